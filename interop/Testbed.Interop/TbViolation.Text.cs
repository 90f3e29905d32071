// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Interop;

/// <summary>Text accessors for the fixed buffers of <c>struct tb_violation</c>.</summary>
public unsafe partial struct TbViolation
{
    /// <summary>The function that recorded the violation.</summary>
    public readonly string SiteText
    {
        get
        {
            fixed (byte* p = Site)
                return NativeText.FromBuffer(p, (int)Abi.SiteLen);
        }
    }

    /// <summary>The violation's message.</summary>
    public readonly string MessageText
    {
        get
        {
            fixed (byte* p = Message)
                return NativeText.FromBuffer(p, (int)Abi.MsgLen);
        }
    }
}
