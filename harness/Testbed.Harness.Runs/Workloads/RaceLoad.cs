// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Workloads;

/// <summary>
/// The kernel check's race around a step (<see cref="WorkItem.Race"/>): in the guest,
/// <see cref="Threads"/> threads touch pages of the step's range while the main thread remaps it
/// <see cref="Iterations"/> times, and the step's own operation (the re-reservation of the range)
/// ends the race. An address space runs that operation alone: it is deterministic, the race is not.
/// </summary>
public readonly record struct RaceLoad(int Threads, int Iterations);
