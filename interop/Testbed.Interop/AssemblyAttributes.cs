// SPDX-License-Identifier: GPL-2.0-only
using System.Runtime.CompilerServices;

// Every binding is blittable: LibraryImport then emits plain calls without marshalling stubs.
[assembly: DisableRuntimeMarshalling]
