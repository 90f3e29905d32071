// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Managed.Kernel;
using Xunit;

namespace Testbed.Tests.Managed;

/// <summary>The augmented red-black tree against a brute-force model.</summary>
public sealed class RbTreeSpecs
{
    private sealed class Item(int key)
    {
        public int Key { get; } = key;

        public int SubtreeMax;

        public RbNode<Item>? Node;
    }

    // Augmentation: the largest key in the subtree (the same shape as rb_subtree_gap).
    private readonly struct MaxCallbacks : IRbAugmentCallbacks<Item>
    {
        public static int Compute(RbNode<Item> n)
        {
            var max = n.Entry.Key;
            if (n.Left is not null && n.Left.Entry.SubtreeMax > max)
                max = n.Left.Entry.SubtreeMax;
            if (n.Right is not null && n.Right.Entry.SubtreeMax > max)
                max = n.Right.Entry.SubtreeMax;
            return max;
        }

        public void Propagate(RbNode<Item>? node, RbNode<Item>? stop)
        {
            while (node != stop && node is not null)
            {
                var m = Compute(node);
                if (node.Entry.SubtreeMax == m)
                    break;
                node.Entry.SubtreeMax = m;
                node = node.Parent;
            }
        }

        public void Copy(RbNode<Item> oldNode, RbNode<Item> newNode) => newNode.Entry.SubtreeMax = oldNode.Entry.SubtreeMax;

        public void Rotate(RbNode<Item> oldNode, RbNode<Item> newNode)
        {
            newNode.Entry.SubtreeMax = oldNode.Entry.SubtreeMax;
            oldNode.Entry.SubtreeMax = Compute(oldNode);
        }
    }

    private static void Insert(RbRoot<Item> root, Item item)
    {
        RbNode<Item>? parent = null;
        var left = false;
        var link = root.Node;
        while (link is not null)
        {
            parent = link;
            left = item.Key < link.Entry.Key;
            link = left ? link.Left : link.Right;
        }
        item.Node = new RbNode<Item>(item);
        RbTree.LinkNode(item.Node, parent, left, root);
        item.SubtreeMax = int.MinValue; // like rb_subtree_gap = 0 before vma_gap_update
        default(MaxCallbacks).Propagate(item.Node, null);
        RbTree.InsertAugmented(item.Node, root, default(MaxCallbacks));
    }

    // Returns the black height; fails on a red-red edge, a bad parent link or a wrong augmented value.
    private static int Check(RbNode<Item>? n, RbNode<Item>? parent, string replay)
    {
        if (n is null)
            return 1;
        Assert.True(n.Parent == parent, $"parent link broken at {n.Entry.Key}; {replay}");
        if (!n.Black)
        {
            Assert.True(n.Left is null || n.Left.Black, $"red-red at {n.Entry.Key}; {replay}");
            Assert.True(n.Right is null || n.Right.Black, $"red-red at {n.Entry.Key}; {replay}");
        }
        Assert.True(n.Entry.SubtreeMax == MaxCallbacks.Compute(n), $"augmented value wrong at {n.Entry.Key}; {replay}");
        var lh = Check(n.Left, n, replay);
        var rh = Check(n.Right, n, replay);
        Assert.True(lh == rh, $"black heights differ at {n.Entry.Key}; {replay}");
        return lh + (n.Black ? 1 : 0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    public void Random_inserts_and_erases_keep_the_tree_balanced_sorted_and_augmented(int seed)
    {
        // Arrange
        var replay = $"seed {seed}: dotnet test tests/Testbed.Tests --filter FullyQualifiedName~RbTreeSpecs";
        var rng = new Random(seed);
        var root = new RbRoot<Item>();
        var model = new SortedDictionary<int, Item>();

        // Act + Assert after every step
        for (var step = 0; step < 2000; step++)
        {
            var key = rng.Next(300);
            if (model.TryGetValue(key, out var present))
            {
                RbTree.EraseAugmented(present.Node!, root, default(MaxCallbacks));
                present.Node!.Clear();
                Assert.True(present.Node.IsEmpty);
                model.Remove(key);
            }
            else
            {
                var item = new Item(key);
                Insert(root, item);
                model.Add(key, item);
            }
            Assert.True(root.Node is null || root.Node.Black, replay);
            Check(root.Node, null, replay);
            var inOrder = new List<int>();
            for (var n = RbTree.First(root); n is not null; n = RbTree.Next(n))
                inOrder.Add(n.Entry.Key);
            Assert.Equal(model.Keys, inOrder);
            var backwards = new List<int>();
            for (var n = RbTree.Last(root); n is not null; n = RbTree.Prev(n))
                backwards.Add(n.Entry.Key);
            backwards.Reverse();
            Assert.Equal(inOrder, backwards);
        }
    }
}
