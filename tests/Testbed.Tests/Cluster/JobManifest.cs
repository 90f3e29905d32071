// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Kernel;
using YamlDotNet.RepresentationModel;

namespace Testbed.Tests.Cluster;

/// <summary>
/// A <c>batch/v1</c> Job of deploy/kubernetes/ with one container, read from its YAML: what the
/// specs check, and the container's command line as Kubernetes would run it for a completion index.
/// </summary>
internal sealed class JobManifest
{
    /// <summary>The variable the Job controller sets to a pod's completion index.</summary>
    public const string IndexVariable = "JOB_COMPLETION_INDEX";

    /// <summary>The pod annotation that holds the completion index.</summary>
    public const string IndexAnnotation = "batch.kubernetes.io/job-completion-index";

    private JobManifest(string path, YamlMappingNode root)
    {
        Path = path;
        Root = root;
        Spec = root.Map("spec");
        Pod = Spec.Map("template").Map("spec");
        Container = Pod.Seq("containers").Maps() is [var only]
            ? only
            : throw new InvalidDataException($"{path}: expected exactly one container");
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The document.</summary>
    public YamlMappingNode Root { get; }

    /// <summary>The Job's spec.</summary>
    public YamlMappingNode Spec { get; }

    /// <summary>The pod template's spec.</summary>
    public YamlMappingNode Pod { get; }

    /// <summary>The one container.</summary>
    public YamlMappingNode Container { get; }

    /// <summary>The container's image.</summary>
    public string Image => Container.Text("image");

    /// <summary>The container's command and args as written.</summary>
    public IReadOnlyList<string> CommandLine => [.. Container.Seq("command").Texts(), .. Container.Seq("args").Texts()];

    /// <summary>The file deploy/kubernetes/<paramref name="name"/> of the repository.</summary>
    public static string FileOf(string name) => System.IO.Path.Combine(RepoPaths.Root(), "deploy", "kubernetes", name);

    /// <summary>Reads the Job in deploy/kubernetes/<paramref name="name"/>.</summary>
    public static JobManifest Load(string name)
    {
        var path = FileOf(name);
        return new JobManifest(path, YamlFile.LoadSingle(path));
    }

    /// <summary>
    /// The container's environment for completion index <paramref name="index"/>: the variables
    /// with a literal value, the ones from the completion-index annotation, and
    /// JOB_COMPLETION_INDEX, which the Job controller sets in an Indexed Job.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment(int index)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { [IndexVariable] = index.ToString() };
        foreach (var variable in EnvEntries())
        {
            var name = variable.Text("name");
            if (variable.TextOrNull("value") is { } value)
                environment[name] = value;
            else if (AnnotationOf(variable) == IndexAnnotation)
                environment[name] = index.ToString();
        }
        return environment;
    }

    /// <summary>The annotation a variable of the container reads through the downward API, or null.</summary>
    public string? VariableAnnotation(string name) =>
        EnvEntries().FirstOrDefault(v => v.Text("name") == name) is { } variable ? AnnotationOf(variable) : null;

    /// <summary>The command line Kubernetes runs for completion index <paramref name="index"/>.</summary>
    public IReadOnlyList<string> CommandLineFor(int index)
    {
        var environment = Environment(index);
        return CommandLine.Select(a => KubernetesExpansion.Expand(a, environment)).ToArray();
    }

    /// <summary>The value after <paramref name="option"/> in the command line as written; throws when it is absent.</summary>
    public string Option(string option) => OptionOf(CommandLine, option);

    /// <summary>The value after <paramref name="option"/> in <paramref name="commandLine"/>; throws when it is absent.</summary>
    public static string OptionOf(IReadOnlyList<string> commandLine, string option)
    {
        var at = commandLine.ToList().IndexOf(option);
        return at >= 0 && at + 1 < commandLine.Count
            ? commandLine[at + 1]
            : throw new InvalidDataException($"the command line has no {option} VALUE: {string.Join(' ', commandLine)}");
    }

    /// <summary>The claim behind the container's mount at the start of <paramref name="path"/>, and the path inside it.</summary>
    public (string Claim, string MountPath, string Relative) VolumePathOf(string path)
    {
        foreach (var mount in Container.Seq("volumeMounts").Maps())
        {
            var mountPath = mount.Text("mountPath").TrimEnd('/');
            if (!path.StartsWith(mountPath + "/", StringComparison.Ordinal))
                continue;
            var volume = Pod.Seq("volumes").Maps().Single(v => v.Text("name") == mount.Text("name"));
            return (volume.Map("persistentVolumeClaim").Text("claimName"), mountPath, path[(mountPath.Length + 1)..]);
        }
        throw new InvalidDataException($"{Path}: {path} is on no volume mounted in the container");
    }

    private IEnumerable<YamlMappingNode> EnvEntries() =>
        Container.Has("env") ? Container.Seq("env").Maps() : [];

    private static string? AnnotationOf(YamlMappingNode variable)
    {
        if (!variable.Has("valueFrom"))
            return null;
        var field = variable.Map("valueFrom").Map("fieldRef").Text("fieldPath");
        const string prefix = "metadata.annotations['";
        return field.StartsWith(prefix, StringComparison.Ordinal) && field.EndsWith("']", StringComparison.Ordinal)
            ? field[prefix.Length..^2]
            : null;
    }
}
