using Sequin.Sinks;
using Sequin.Sinks.Redis;

// The two ways a host finds these sinks: in plugins/ by these attributes (no scanning), embedded by AddRedisSinks().
[assembly: SequinSinkPlugin(typeof(RedisStringSink))]
[assembly: SequinSinkPlugin(typeof(RedisStreamSink))]
[assembly: SequinSinkPlugin(typeof(RedisSink))]

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Redis sinks in a host that references the package instead of loading it from <c>plugins/</c>.</summary>
public static class RedisSinkServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RedisStringSink"/>, <see cref="RedisStreamSink"/> and its alias <see cref="RedisSink"/>, so
    /// that <c>destination.type</c> <c>redis_string</c>, <c>redis_stream</c> and <c>redis</c> resolve; twice registers them once.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddRedisSinks(this IServiceCollection services) =>
        services.AddSinkPlugin<RedisStringSink>().AddSinkPlugin<RedisStreamSink>().AddSinkPlugin<RedisSink>();
}
