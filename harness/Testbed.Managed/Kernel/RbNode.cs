// SPDX-License-Identifier: GPL-2.0-only
// Port of native/kernel/rbtree.h: struct rb_node and struct rb_root. The kernel packs
// the colour into the parent pointer; here they are two fields. An empty node
// (RB_CLEAR_NODE, "this VMA left the tree") points to itself as parent.

using System.Runtime.CompilerServices;

namespace Testbed.Managed.Kernel;

/// <summary>struct rb_node embedded in (owned by) <typeparamref name="T"/>; rb_entry is <see cref="Entry"/>.</summary>
internal sealed class RbNode<T>
    where T : class
{
    /// <summary>Creates a cleared node for <paramref name="entry"/>.</summary>
    public RbNode(T entry)
    {
        Entry = entry;
        Parent = this;
    }

    /// <summary>rb_entry(node, T, field).</summary>
    public T Entry { get; }

    /// <summary>rb_parent (this node itself when RB_EMPTY_NODE).</summary>
    public RbNode<T>? Parent;

    /// <summary>rb_left.</summary>
    public RbNode<T>? Left;

    /// <summary>rb_right.</summary>
    public RbNode<T>? Right;

    /// <summary>rb_is_black.</summary>
    public bool Black;

    /// <summary>RB_EMPTY_NODE.</summary>
    public bool IsEmpty
    {
        // Inlined into its (non-generic) callers: out of line, the shared generic code of
        // RbNode<T> looks Volatile.Read's instantiation up at run time on every call.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ReferenceEquals(Volatile.Read(ref Parent), this);
    }

    /// <summary>RB_CLEAR_NODE, a release store so readers see it after what came before.</summary>
    public void Clear() => Volatile.Write(ref Parent, this);
}

/// <summary>struct rb_root.</summary>
internal sealed class RbRoot<T>
    where T : class
{
    /// <summary>rb_node (the root), null when empty.</summary>
    public RbNode<T>? Node;

    /// <summary>RB_EMPTY_ROOT.</summary>
    public bool IsEmpty => Node is null;
}

/// <summary>struct rb_augment_callbacks {propagate, copy, rotate}.</summary>
internal interface IRbAugmentCallbacks<T>
    where T : class
{
    /// <summary>Recompute the augmented value from <paramref name="node"/> upwards until <paramref name="stop"/>.</summary>
    void Propagate(RbNode<T>? node, RbNode<T>? stop);

    /// <summary>The new node takes the old one's augmented value.</summary>
    void Copy(RbNode<T> oldNode, RbNode<T> newNode);

    /// <summary>After a rotation: new takes old's value, old recomputes its own.</summary>
    void Rotate(RbNode<T> oldNode, RbNode<T> newNode);
}

/// <summary>Callbacks for a plain (non-augmented) tree.</summary>
internal readonly struct RbNoAugment<T> : IRbAugmentCallbacks<T>
    where T : class
{
    /// <inheritdoc/>
    public void Propagate(RbNode<T>? node, RbNode<T>? stop)
    {
    }

    /// <inheritdoc/>
    public void Copy(RbNode<T> oldNode, RbNode<T> newNode)
    {
    }

    /// <inheritdoc/>
    public void Rotate(RbNode<T> oldNode, RbNode<T> newNode)
    {
    }
}
