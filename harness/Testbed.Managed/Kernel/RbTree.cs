// SPDX-License-Identifier: GPL-2.0-only
// Port of native/kernel/rbtree.c (lib/rbtree.c of the 4.x kernels): insert and erase
// rebalancing with augmentation callbacks (rb_insert_augmented, rb_erase_augmented),
// rb_link_node, rb_first/rb_last/rb_next/rb_prev. The case numbering follows lib/rbtree.c.

namespace Testbed.Managed.Kernel;

/// <summary>The red-black tree operations.</summary>
internal static class RbTree
{
    /// <summary>rb_link_node: hang a red leaf under <paramref name="parent"/> (left or right), or as root.</summary>
    public static void LinkNode<T>(RbNode<T> node, RbNode<T>? parent, bool left, RbRoot<T> root)
        where T : class
    {
        node.Parent = parent;
        node.Black = false;
        node.Left = null;
        node.Right = null;
        if (parent is null)
            root.Node = node;
        else if (left)
            parent.Left = node;
        else
            parent.Right = node;
    }

    /// <summary>rb_insert_color.</summary>
    public static void InsertColor<T>(RbNode<T> node, RbRoot<T> root)
        where T : class => Insert(node, root, default(RbNoAugment<T>));

    /// <summary>rb_erase.</summary>
    public static void Erase<T>(RbNode<T> node, RbRoot<T> root)
        where T : class => EraseAugmented(node, root, default(RbNoAugment<T>));

    /// <summary>rb_insert_augmented: the caller has already propagated the new leaf's value.</summary>
    public static void InsertAugmented<T, TCb>(RbNode<T> node, RbRoot<T> root, TCb augment)
        where T : class
        where TCb : struct, IRbAugmentCallbacks<T> => Insert(node, root, augment);

    /// <summary>rb_erase_augmented.</summary>
    public static void EraseAugmented<T, TCb>(RbNode<T> node, RbRoot<T> root, TCb augment)
        where T : class
        where TCb : struct, IRbAugmentCallbacks<T>
    {
        var rebalance = EraseNode(node, root, augment);
        if (rebalance is not null)
            EraseColor(rebalance, root, augment);
    }

    private static bool IsRed<T>(RbNode<T>? n)
        where T : class => n is not null && !n.Black;

    private static void SetParentColor<T>(RbNode<T> n, RbNode<T>? parent, bool black)
        where T : class
    {
        n.Parent = parent;
        n.Black = black;
    }

    /// <summary>__rb_change_child.</summary>
    private static void ChangeChild<T>(RbNode<T> oldNode, RbNode<T>? newNode, RbNode<T>? parent, RbRoot<T> root)
        where T : class
    {
        if (parent is null)
            root.Node = newNode;
        else if (parent.Left == oldNode)
            parent.Left = newNode;
        else
            parent.Right = newNode;
    }

    /// <summary>__rb_rotate_set_parents: new takes old's parent and colour; old goes under new.</summary>
    private static void RotateSetParents<T>(RbNode<T> oldNode, RbNode<T> newNode, RbRoot<T> root, bool black)
        where T : class
    {
        var parent = oldNode.Parent;
        newNode.Parent = parent;
        newNode.Black = oldNode.Black;
        SetParentColor(oldNode, newNode, black);
        ChangeChild(oldNode, newNode, parent, root);
    }

    /// <summary>__rb_insert.</summary>
    private static void Insert<T, TCb>(RbNode<T> node, RbRoot<T> root, TCb augment)
        where T : class
        where TCb : struct, IRbAugmentCallbacks<T>
    {
        var parent = node.Parent;
        while (true)
        {
            if (parent is null)
            {
                SetParentColor(node, null, true);
                break;
            }
            if (parent.Black)
                break;
            var gparent = parent.Parent!;
            var tmp = gparent.Right;
            if (parent != tmp)
            {
                // parent == gparent->rb_left
                if (IsRed(tmp))
                {
                    // Case 1: colour flips
                    SetParentColor(tmp!, gparent, true);
                    SetParentColor(parent, gparent, true);
                    node = gparent;
                    parent = node.Parent;
                    SetParentColor(node, parent, false);
                    continue;
                }
                tmp = parent.Right;
                if (node == tmp)
                {
                    // Case 2: left rotate at parent
                    tmp = node.Left;
                    parent.Right = tmp;
                    node.Left = parent;
                    if (tmp is not null)
                        SetParentColor(tmp, parent, true);
                    SetParentColor(parent, node, false);
                    augment.Rotate(parent, node);
                    parent = node;
                    tmp = node.Right;
                }
                // Case 3: right rotate at gparent
                gparent.Left = tmp;
                parent.Right = gparent;
                if (tmp is not null)
                    SetParentColor(tmp, gparent, true);
                RotateSetParents(gparent, parent, root, false);
                augment.Rotate(gparent, parent);
                break;
            }
            else
            {
                tmp = gparent.Left;
                if (IsRed(tmp))
                {
                    // Case 1: colour flips
                    SetParentColor(tmp!, gparent, true);
                    SetParentColor(parent, gparent, true);
                    node = gparent;
                    parent = node.Parent;
                    SetParentColor(node, parent, false);
                    continue;
                }
                tmp = parent.Left;
                if (node == tmp)
                {
                    // Case 2: right rotate at parent
                    tmp = node.Right;
                    parent.Left = tmp;
                    node.Right = parent;
                    if (tmp is not null)
                        SetParentColor(tmp, parent, true);
                    SetParentColor(parent, node, false);
                    augment.Rotate(parent, node);
                    parent = node;
                    tmp = node.Left;
                }
                // Case 3: left rotate at gparent
                gparent.Right = tmp;
                parent.Left = gparent;
                if (tmp is not null)
                    SetParentColor(tmp, gparent, true);
                RotateSetParents(gparent, parent, root, false);
                augment.Rotate(gparent, parent);
                break;
            }
        }
    }

    /// <summary>__rb_erase_augmented: unlinks the node; returns where colour rebalancing starts.</summary>
    private static RbNode<T>? EraseNode<T, TCb>(RbNode<T> node, RbRoot<T> root, TCb augment)
        where T : class
        where TCb : struct, IRbAugmentCallbacks<T>
    {
        var child = node.Right;
        var tmp = node.Left;
        RbNode<T>? parent;
        RbNode<T>? rebalance;
        if (tmp is null)
        {
            // Case 1: at most one child (the right one)
            parent = node.Parent;
            var black = node.Black;
            ChangeChild(node, child, parent, root);
            if (child is not null)
            {
                child.Parent = parent;
                child.Black = black;
                rebalance = null;
            }
            else
            {
                rebalance = black ? parent : null;
            }
            tmp = parent;
        }
        else if (child is null)
        {
            // Still case 1, the child is the left one
            parent = node.Parent;
            tmp.Parent = parent;
            tmp.Black = node.Black;
            ChangeChild(node, tmp, parent, root);
            rebalance = null;
            tmp = parent;
        }
        else
        {
            var successor = child;
            RbNode<T>? child2;
            tmp = child.Left;
            if (tmp is null)
            {
                // Case 2: the successor is the right child
                parent = successor;
                child2 = successor.Right;
                augment.Copy(node, successor);
            }
            else
            {
                // Case 3: the successor is the leftmost node of the right subtree
                do
                {
                    parent = successor;
                    successor = tmp;
                    tmp = tmp.Left;
                }
                while (tmp is not null);
                child2 = successor.Right;
                parent.Left = child2;
                successor.Right = child;
                child.Parent = successor;
                augment.Copy(node, successor);
                augment.Propagate(parent, successor);
            }
            tmp = node.Left!;
            successor.Left = tmp;
            tmp.Parent = successor;
            var nodeParent = node.Parent;
            var nodeBlack = node.Black;
            ChangeChild(node, successor, nodeParent, root);
            if (child2 is not null)
            {
                successor.Parent = nodeParent;
                successor.Black = nodeBlack;
                SetParentColor(child2, parent, true);
                rebalance = null;
            }
            else
            {
                var successorWasBlack = successor.Black;
                successor.Parent = nodeParent;
                successor.Black = nodeBlack;
                rebalance = successorWasBlack ? parent : null;
            }
            tmp = successor;
        }
        augment.Propagate(tmp, null);
        return rebalance;
    }

    /// <summary>____rb_erase_color.</summary>
    private static void EraseColor<T, TCb>(RbNode<T> parent, RbRoot<T> root, TCb augment)
        where T : class
        where TCb : struct, IRbAugmentCallbacks<T>
    {
        RbNode<T>? node = null;
        while (true)
        {
            var sibling = parent.Right;
            RbNode<T>? tmp1;
            RbNode<T>? tmp2;
            if (node != sibling)
            {
                // node == parent->rb_left
                if (IsRed(sibling))
                {
                    // Case 1: left rotate at parent
                    tmp1 = sibling!.Left!;
                    parent.Right = tmp1;
                    sibling.Left = parent;
                    SetParentColor(tmp1, parent, true);
                    RotateSetParents(parent, sibling, root, false);
                    augment.Rotate(parent, sibling);
                    sibling = tmp1;
                }
                tmp1 = sibling!.Right;
                if (!IsRed(tmp1))
                {
                    tmp2 = sibling.Left;
                    if (!IsRed(tmp2))
                    {
                        // Case 2: sibling colour flip
                        SetParentColor(sibling, parent, false);
                        if (!parent.Black)
                        {
                            parent.Black = true;
                        }
                        else
                        {
                            node = parent;
                            var up = node.Parent;
                            if (up is not null)
                            {
                                parent = up;
                                continue;
                            }
                        }
                        break;
                    }
                    // Case 3: right rotate at sibling
                    tmp1 = tmp2!.Right;
                    sibling.Left = tmp1;
                    tmp2.Right = sibling;
                    parent.Right = tmp2;
                    if (tmp1 is not null)
                        SetParentColor(tmp1, sibling, true);
                    augment.Rotate(sibling, tmp2);
                    tmp1 = sibling;
                    sibling = tmp2;
                }
                // Case 4: left rotate at parent and colour flips
                tmp2 = sibling.Left;
                parent.Right = tmp2;
                sibling.Left = parent;
                SetParentColor(tmp1!, sibling, true);
                if (tmp2 is not null)
                    tmp2.Parent = parent;
                RotateSetParents(parent, sibling, root, true);
                augment.Rotate(parent, sibling);
                break;
            }
            else
            {
                sibling = parent.Left;
                if (IsRed(sibling))
                {
                    // Case 1: right rotate at parent
                    tmp1 = sibling!.Right!;
                    parent.Left = tmp1;
                    sibling.Right = parent;
                    SetParentColor(tmp1, parent, true);
                    RotateSetParents(parent, sibling, root, false);
                    augment.Rotate(parent, sibling);
                    sibling = tmp1;
                }
                tmp1 = sibling!.Left;
                if (!IsRed(tmp1))
                {
                    tmp2 = sibling.Right;
                    if (!IsRed(tmp2))
                    {
                        // Case 2: sibling colour flip
                        SetParentColor(sibling, parent, false);
                        if (!parent.Black)
                        {
                            parent.Black = true;
                        }
                        else
                        {
                            node = parent;
                            var up = node.Parent;
                            if (up is not null)
                            {
                                parent = up;
                                continue;
                            }
                        }
                        break;
                    }
                    // Case 3: left rotate at sibling
                    tmp1 = tmp2!.Left;
                    sibling.Right = tmp1;
                    tmp2.Left = sibling;
                    parent.Left = tmp2;
                    if (tmp1 is not null)
                        SetParentColor(tmp1, sibling, true);
                    augment.Rotate(sibling, tmp2);
                    tmp1 = sibling;
                    sibling = tmp2;
                }
                // Case 4: right rotate at parent and colour flips
                tmp2 = sibling.Right;
                parent.Left = tmp2;
                sibling.Right = parent;
                SetParentColor(tmp1!, sibling, true);
                if (tmp2 is not null)
                    tmp2.Parent = parent;
                RotateSetParents(parent, sibling, root, true);
                augment.Rotate(parent, sibling);
                break;
            }
        }
    }

    /// <summary>rb_first.</summary>
    public static RbNode<T>? First<T>(RbRoot<T> root)
        where T : class
    {
        var n = root.Node;
        if (n is null)
            return null;
        while (n.Left is not null)
            n = n.Left;
        return n;
    }

    /// <summary>rb_last.</summary>
    public static RbNode<T>? Last<T>(RbRoot<T> root)
        where T : class
    {
        var n = root.Node;
        if (n is null)
            return null;
        while (n.Right is not null)
            n = n.Right;
        return n;
    }

    /// <summary>rb_next.</summary>
    public static RbNode<T>? Next<T>(RbNode<T> node)
        where T : class
    {
        if (node.IsEmpty)
            return null;
        if (node.Right is not null)
        {
            node = node.Right;
            while (node.Left is not null)
                node = node.Left;
            return node;
        }
        RbNode<T>? parent;
        while ((parent = node.Parent) is not null && node == parent.Right)
            node = parent;
        return parent;
    }

    /// <summary>rb_prev.</summary>
    public static RbNode<T>? Prev<T>(RbNode<T> node)
        where T : class
    {
        if (node.IsEmpty)
            return null;
        if (node.Left is not null)
        {
            node = node.Left;
            while (node.Right is not null)
                node = node.Right;
            return node;
        }
        RbNode<T>? parent;
        while ((parent = node.Parent) is not null && node == parent.Left)
            node = parent;
        return parent;
    }
}
