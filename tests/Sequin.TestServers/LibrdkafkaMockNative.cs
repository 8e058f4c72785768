using System.Runtime.InteropServices;
using Sequin.Sinks.Kafka;

namespace Sequin.TestServers;

/// <summary>
/// The librdkafka functions <see cref="KafkaMockBroker"/> calls (<c>rdkafka.h</c>, <c>rdkafka_mock.h</c>), bound to the
/// same library file Confluent.Kafka runs on: the librdkafka.redist one the Kafka sink loads
/// (<see cref="KafkaNativeLibrary"/>), never a system librdkafka.
/// </summary>
internal static class LibrdkafkaMockNative
{
    private const string Library = "librdkafka";

    static LibrdkafkaMockNative()
    {
        var library = KafkaNativeLibrary.EnsureLoaded();
        if (library.Path is null)
        {
            throw new InvalidOperationException(
                $"librdkafka.redist's native library was not found next to Confluent.Kafka.dll (librdkafka {library.Version} is in use): the mock cluster needs the bundled one.");
        }

        var handle = NativeLibrary.Load(library.Path);
        NativeLibrary.SetDllImportResolver(typeof(LibrdkafkaMockNative).Assembly, (name, _, _) => name == Library ? handle : IntPtr.Zero);
        LibraryPath = library.Path;
        Version = library.Version;
    }

    /// <summary>The librdkafka file the mock runs in.</summary>
    public static string LibraryPath { get; }

    /// <summary>Its version.</summary>
    public static string Version { get; }

    /// <summary>Fails with the loader's reason if the library cannot be bound (runs the static constructor).</summary>
    public static void EnsureBound()
    {
        _ = LibraryPath;
    }

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr rd_kafka_conf_new();

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int rd_kafka_conf_set(IntPtr conf, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, [Out] byte[] errstr, UIntPtr errstrSize);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void rd_kafka_conf_destroy(IntPtr conf);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr rd_kafka_new(int type, IntPtr conf, [Out] byte[] errstr, UIntPtr errstrSize);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void rd_kafka_destroy(IntPtr rk);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr rd_kafka_err2str(int err);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void rd_kafka_mock_cluster_destroy(IntPtr mcluster);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr mcluster);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int rd_kafka_mock_broker_set_down(IntPtr mcluster, int brokerId);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int rd_kafka_mock_broker_set_up(IntPtr mcluster, int brokerId);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int rd_kafka_mock_topic_create(IntPtr mcluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string topic, int partitionCount, int replicationFactor);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void rd_kafka_mock_push_request_errors_array(IntPtr mcluster, short apiKey, UIntPtr count, int[] errors);

    /// <summary>librdkafka's text for an error code.</summary>
    public static string ErrorText(int err) => Marshal.PtrToStringUTF8(rd_kafka_err2str(err)) ?? err.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A NUL-terminated error buffer as text.</summary>
    public static string Text(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var end = Array.IndexOf(buffer, (byte)0);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end);
    }
}
