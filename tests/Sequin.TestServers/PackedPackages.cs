using System.Security.Cryptography;
using System.Text;

namespace Sequin.TestServers;

/// <summary>
/// Every package of the repository packed by <c>scripts/pack.sh</c>, once per state of the sources, for the test projects
/// that use the packages as users get them (packaging and templates): packing takes minutes, and each of them used to
/// pack on its own. The folder is <c>artifacts/test-packages/&lt;key&gt;</c>, where the key hashes the commit and any
/// uncommitted change under <c>src/</c>, <c>templates/</c> and the build files, so that an edit is always packed anew.
/// A lock file makes a second test process wait for the first one's pack; a marker file (holding what
/// <c>scripts/pack.sh</c> printed) says the folder is complete. Consumers only read the folder.
/// </summary>
public static class PackedPackages
{
    /// <summary>What goes into the packages: a change anywhere else (tests, docs) keeps the packed folder.</summary>
    private static readonly string[] PackedPaths =
        ["src", "templates", "Directory.Build.props", "Directory.Packages.props", "NuGet.config", "nuget.config", "scripts/pack.sh"];

    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(15);

    /// <summary>Returns the folder of packages for the sources as they are now, packing them first unless done already.</summary>
    /// <returns>The folder and what <c>scripts/pack.sh</c> printed when it packed it.</returns>
    public static async Task<(string Folder, string PackOutput)> GetAsync()
    {
        var root = Path.Combine(RepositoryPaths.Root, "artifacts", "test-packages");
        Directory.CreateDirectory(root);
        var key = await SourceKeyAsync();
        var folder = Path.Combine(root, key);
        var marker = Path.Combine(folder, ".packed");
        await using var gate = await LockAsync(Path.Combine(root, "pack.lock"));
        if (File.Exists(marker))
        {
            return (folder, await File.ReadAllTextAsync(marker));
        }

        // Packs of earlier states are of no further use.
        foreach (var old in Directory.GetDirectories(root))
        {
            Directory.Delete(old, recursive: true);
        }

        var output = await ChildProcess.RunAsync("bash", [RepositoryPaths.PackScript, folder], RepositoryPaths.Root, PackTimeout);
        await File.WriteAllTextAsync(marker, output);
        return (folder, output);
    }

    private static async Task<string> SourceKeyAsync()
    {
        try
        {
            return await GitKeyAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return "unversioned-" + Guid.NewGuid().ToString("N")[..8]; // no git: pack every time
        }
    }

    private static async Task<string> GitKeyAsync()
    {
        var head = await GitAsync("rev-parse", "HEAD");
        var diff = await GitAsync(["diff", "HEAD", "--binary", "--", .. PackedPaths]);
        var untracked = await GitAsync(["ls-files", "--others", "--exclude-standard", "--", .. PackedPaths]);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(head + "\n" + diff + "\n" + untracked));
        foreach (var file in untracked.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            hash.AppendData(await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, file)));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private static Task<string> GitAsync(params string[] args) =>
        ChildProcess.RunAsync("git", args, RepositoryPaths.Root, TimeSpan.FromMinutes(1));

    /// <summary>Opens the lock file exclusively, waiting while another test process holds it (packing).</summary>
    private static async Task<FileStream> LockAsync(string path)
    {
        FileStream? stream = null;
        await Eventually.UntilAsync(
            () =>
            {
                try
                {
                    stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    return true;
                }
                catch (IOException)
                {
                    return false; // held by another test process
                }
            },
            () => $"the lock {path} is free (another test process is packing)",
            PackTimeout);
        return stream!;
    }
}
