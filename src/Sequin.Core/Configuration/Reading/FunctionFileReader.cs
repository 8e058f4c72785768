using System.Globalization;
using System.Text;

namespace Sequin.Configuration;

/// <summary>
/// Reads a function's <c>file:</c>: a regular, non-empty file of at most <see cref="FunctionConfig.MaxCodeBytes"/> bytes of
/// UTF-8 text inside the configuration file's folder (symbolic links resolved, <c>..</c> refused). Its errors name the
/// file but never quote what it holds.
/// </summary>
internal static class FunctionFileReader
{
    private const int MaxLinkHops = 40;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads the code, or returns null with <paramref name="error"/> set.</summary>
    /// <param name="baseDirectory">The configuration file's folder.</param>
    /// <param name="file">The <c>file:</c> value.</param>
    /// <param name="fullPath">The file's full path (not link-resolved), for messages and <see cref="FunctionConfig.FilePath"/>.</param>
    /// <param name="error">Why it could not be read.</param>
    public static string? Read(string baseDirectory, string file, out string fullPath, out string? error)
    {
        fullPath = Path.GetFullPath(Path.Combine(baseDirectory, file));
        error = null;
        if (file.Replace('\\', '/').Split('/').Contains("..", StringComparer.Ordinal))
        {
            error = "Must not contain '..': function files live in the configuration file's folder or below it.";
            return null;
        }

        try
        {
            var realBase = RealPath(Path.GetFullPath(baseDirectory), 0);
            var realFile = RealPath(fullPath, 0);
            if (realBase is null || realFile is null)
            {
                error = $"Cannot resolve {fullPath}: too many levels of symbolic links.";
                return null;
            }

            var prefix = Path.EndsInDirectorySeparator(realBase) ? realBase : realBase + Path.DirectorySeparatorChar;
            if (!realFile.StartsWith(prefix, PathComparison))
            {
                error = $"{fullPath} is outside the configuration file's folder ({baseDirectory}); function files must live in that folder or below it (symbolic links are followed).";
                return null;
            }

            var info = new FileInfo(realFile);
            if (!info.Exists)
            {
                error = Directory.Exists(realFile) ? $"{fullPath} is a folder, not a file." : $"File not found: {fullPath}.";
                return null;
            }

            // Devices and pipes report no length: refusing empty files means they are never opened (a read of
            // /dev/zero never ends, opening a pipe waits for a writer).
            if (info.Length == 0)
            {
                error = $"{fullPath} is empty or not a regular file.";
                return null;
            }

            if (info.Length > FunctionConfig.MaxCodeBytes)
            {
                error = TooLarge(info.Length.ToString(CultureInfo.InvariantCulture));
                return null;
            }

            var buffer = new byte[FunctionConfig.MaxCodeBytes + 1];
            int read;
            using (var stream = new FileStream(realFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1))
            {
                read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            }

            if (read > FunctionConfig.MaxCodeBytes)
            {
                error = TooLarge("more");
                return null;
            }

            var bytes = buffer.AsSpan(0, read);
            if (bytes.StartsWith(StrictUtf8.Preamble))
            {
                bytes = bytes[StrictUtf8.Preamble.Length..];
            }

            try
            {
                return StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                error = $"{fullPath} is not UTF-8 text.";
                return null;
            }
        }
        catch (IOException ex)
        {
            error = $"Cannot read {fullPath}: {ex.GetType().Name}.";
        }
        catch (UnauthorizedAccessException)
        {
            error = $"Cannot read {fullPath}: permission denied.";
        }

        return null;
    }

    /// <summary>
    /// A validation error of code read from a file, without the engine's text: that text may quote the file (a thrown
    /// value, an unknown identifier, a returned key), and the file may not be JavaScript at all.
    /// </summary>
    public static string Describe(FunctionConfig function, Functions.FunctionError error)
    {
        var what = error.Message.Contains(" has a syntax error", StringComparison.Ordinal) ? "has a syntax error" : "failed when tried on a sample message";
        var where = error.Line is { } line
            ? $" at line {line.ToString(CultureInfo.InvariantCulture)}, column {(error.Column ?? 0).ToString(CultureInfo.InvariantCulture)}"
            : string.Empty;
        return $"Function '{function.Name}' (read from {function.FilePath}) {what}{where}. The engine's message is not shown for code read from a file, as it may quote the file; put the code inline under code: to see it.";
    }

    private static StringComparison PathComparison =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private static string TooLarge(string size) =>
        $"Code must be at most {FunctionConfig.MaxCodeBytes.ToString(CultureInfo.InvariantCulture)} bytes (the file has {size}).";

    /// <summary>The path with every symbolic link in it resolved, component by component; null past too many links.</summary>
    private static string? RealPath(string fullPath, int hops)
    {
        var root = Path.GetPathRoot(fullPath) ?? string.Empty;
        var current = root;
        foreach (var part in fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            FileSystemInfo entry = new FileInfo(next);
            if (entry.LinkTarget is { } target)
            {
                if (++hops > MaxLinkHops)
                {
                    return null;
                }

                // A link's target is relative to the link's folder; it may hold links itself.
                var resolved = RealPath(Path.GetFullPath(Path.Combine(current, target)), hops);
                if (resolved is null)
                {
                    return null;
                }

                next = resolved;
            }

            current = next;
        }

        return current;
    }
}
