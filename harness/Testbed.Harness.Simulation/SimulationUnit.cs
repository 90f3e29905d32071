// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Testbed.Harness.Simulation;

/// <summary>
/// One unit of a <c>testbed simulate</c> run, the piece a shard computes and a merge puts back:
/// the validation, one point of the sweep, or one anchor's prediction (exactly one is set).
/// Every unit is a pure function of the calibration, the seed, the budget and what it names,
/// so a shard computes it exactly as a single run does.
/// </summary>
public sealed record SimulationUnit(Validation? Validation, SimResult? Point, AnchorPrediction? Anchor)
{
    /// <summary>The unit as the JSON object a sweep result file holds.</summary>
    public JsonObject ToJson() =>
        JsonSerializer.SerializeToNode(this, SimulationJsonContext.Default.SimulationUnit) as JsonObject
        ?? throw new InvalidOperationException("a simulation unit serialised to something that is not an object");

    /// <summary>
    /// Reads a unit back; an <see cref="InvalidDataException"/> says what is wrong when it is not
    /// exactly one of a validation, a point or an anchor.
    /// </summary>
    public static SimulationUnit FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        SimulationUnit? unit;
        try
        {
            unit = json.Deserialize(SimulationJsonContext.Default.SimulationUnit);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"not a simulation unit ({e.Message})");
        }
        if (unit is null || (unit.Validation is null ? 0 : 1) + (unit.Point is null ? 0 : 1) + (unit.Anchor is null ? 0 : 1) != 1)
            throw new InvalidDataException("a simulation unit holds exactly one of validation, point, anchor");
        return unit;
    }
}
