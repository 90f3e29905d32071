// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Scheduling;

/// <summary>At decision <paramref name="Step"/>, run <paramref name="Thread"/> (instead of the default).</summary>
public readonly record struct ScheduleSwitch(int Step, int Thread);
