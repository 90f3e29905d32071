// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Managed.Kernel;

/// <summary>
/// The cache lines an rw_semaphore's fields other than its count sit on, where its container
/// lays them out (mmap_sem in struct mm_struct, <see cref="Mm.MmLines"/>): the count's line is
/// the one its scheduling points name (the semaphore itself); these name the lines of its plain
/// accesses, reported through <see cref="LineAccess"/>.
/// </summary>
/// <param name="Wait">sem->owner (rwsem_set_owner, rwsem_clear_owner, rwsem_set_reader_owned's read and write, a spinner's first look), sem->wait_lock, sem->osq and wait_list's tail pointer (wait_list.prev): after the count, on the next line (4.16 and 6.4 alike).</param>
/// <param name="WaitListHead">wait_list's head pointer (wait_list.next), written when the list's first waiter changes.</param>
internal sealed record RwSemLines(object Wait, object WaitListHead);
