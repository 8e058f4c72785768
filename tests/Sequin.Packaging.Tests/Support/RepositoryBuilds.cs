namespace Sequin.Packaging.Tests.Support;

/// <summary>
/// The test classes that build or pack the repository's own projects (its <c>obj/</c> and <c>bin/</c> folders): one
/// collection, so that xUnit runs them one after the other rather than two MSBuild runs on the same files at once.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RepositoryBuilds
{
    public const string Name = "repository builds";
}
