// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Sharding;
using Xunit;

namespace Testbed.Tests.Sharding;

/// <summary>"k/n" parses as Slurm and Kubernetes hand it over (0-based), and n shards cut a sweep into a partition.</summary>
public sealed class ShardSpecs
{
    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("0/4", 0, 4)]
    [InlineData("3/4", 3, 4)]
    [InlineData("99/100", 99, 100)]
    public void A_shard_parses_as_k_of_n(string text, int k, int n)
    {
        var shard = Shard.Parse(text);

        Assert.Equal((k, n), (shard.Index, shard.Count));
        Assert.Equal(text, shard.ToString());
    }

    [Theory]
    [InlineData("4/4")]
    [InlineData("-1/4")]
    [InlineData("1/0")]
    [InlineData("1/4/2")]
    [InlineData("a/b")]
    [InlineData("1")]
    [InlineData("")]
    [InlineData(" 1/4")]
    [InlineData("1/100001")]
    public void Anything_else_is_refused_with_the_expected_form(string text)
    {
        var error = Assert.Throws<FormatException>(() => Shard.Parse(text));

        Assert.Contains("k/n", error.Message);
        Assert.Contains($"'{text}'", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    public void The_shards_of_a_sweep_partition_its_units(int n)
    {
        foreach (var total in Enumerable.Range(0, 23))
        {
            var shards = Enumerable.Range(0, n).Select(k => new Shard(k, n)).ToList();
            var all = shards.SelectMany(s => s.Units(total)).ToList();

            Assert.Equal(Enumerable.Range(0, total), all.Order());
            foreach (var s in shards)
            {
                Assert.Equal(s.Units(total).Count(), s.UnitCount(total));
                Assert.All(s.Units(total), u => Assert.True(s.Owns(u)));
                Assert.All(s.Units(total), u => Assert.Equal(s.Index, u % n));
            }
        }
    }
}
