// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Bench;

/// <summary>
/// One side of an interleaved comparison: a backend and a config, or (<see cref="Twin"/>) the
/// baseline config a second time, the A/A arm whose difference from the baseline is noise.
/// </summary>
public sealed record BenchArm(string Backend, string Config, bool Twin = false);
