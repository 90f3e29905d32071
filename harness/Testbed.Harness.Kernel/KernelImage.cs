// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Kernel;

/// <summary>A kernel image made by <see cref="KernelBuilder"/>.</summary>
/// <param name="Path">The bzImage (build/kernel/images/KEY/bzImage; info and config lie beside it).</param>
/// <param name="Key">The cache key: source version, config, compiler and patch contents.</param>
/// <param name="Cached">True when nothing was built: the image for these inputs was already there.</param>
/// <param name="Elapsed">Wall time of the build (or of the cache look-up).</param>
public sealed record KernelImage(string Path, string Key, bool Cached, TimeSpan Elapsed);
