// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Interop;

/// <summary>Text accessor for the fixed buffer of <c>struct tb_config_info</c>.</summary>
public unsafe partial struct TbConfigInfo
{
    /// <summary>The config name, e.g. "mmu-spf".</summary>
    public readonly string NameText
    {
        get
        {
            fixed (byte* p = Name)
                return NativeText.FromBuffer(p, (int)Abi.NameLen);
        }
    }
}
