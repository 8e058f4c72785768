using Sequin.Core.Tests.Replication.Support;
using Sequin.Messages;
using Sequin.TestServers;

namespace Sequin.Core.Tests.Replication;

/// <remarks>Runs on every supported PostgreSQL major: see <see cref="PostgresVersionMatrix"/>.</remarks>
public abstract class ValueTypeTests(PostgresFixture fixture)
{
    [Fact]
    public async Task EveryTypeIsCastToItsJsonValue()
    {
        await using var harness = await ReplicationHarness.CreateAsync(fixture, """
            CREATE TYPE mood AS ENUM ('happy', 'sad', 'so "so"');
            CREATE TABLE everything (
              id int PRIMARY KEY, i2 int2, i8 int8, num numeric, num_nan numeric, f8 float8, f4 float4, f_nan float8, f_inf float8,
              t text, b bool, tstz timestamptz, ts timestamp, d date, tm time, u uuid, j json, jb jsonb,
              ia int[], ta text[], nested int[][], by bytea, m mood, ma mood[], n text, iv interval, money_v money,
              tstz_arr timestamptz[], jb_arr jsonb[], vc varchar(10), ch char(3));
            """);
        harness.Start();
        await harness.ExecuteAsync("""
            INSERT INTO everything VALUES (
              1, -32768, 9223372036854775807, 12345678901234567890.123456789, 'NaN', 1.5e300, 0.1, 'NaN', '-Infinity',
              E'line\nbreak "quoted" \\ back', true, '2025-03-01 10:00:00.123456+02', '2025-03-01 10:00:00', '2025-03-01', '13:14:15.5',
              'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2, {"b": null}]}', '{"x": {"y": "z"}, "n": 1.10}',
              '{1,2,3}', ARRAY['plain', 'with space', 'with "quote"', NULL, 'NULL', 'comma,inside', E'back\\slash'], '{{1,2},{3,4}}',
              '\x00ff10', 'happy', '{happy,sad,"so \"so\""}', NULL, '1 day 02:03:04', '12.34',
              ARRAY['2025-03-01 10:00:00+00'::timestamptz, NULL], ARRAY['{"k": 1}'::jsonb, '[]'::jsonb], 'vc', 'ab');
            """);
        var messages = await harness.Handler.WaitForCountAsync(1);
        var message = Assert.Single(messages);
        Assert.Equal(ChangeAction.Insert, message.Action);
        Assert.Equal(
            """{"id":1,"i2":-32768,"i8":9223372036854775807,"num":12345678901234567890.123456789,"num_nan":"NaN","f8":1.5e+300,"f4":0.1,"f_nan":"NaN","f_inf":"-Infinity","t":"line\nbreak \"quoted\" \\ back","b":true,"tstz":"2025-03-01T08:00:00.123456Z","ts":"2025-03-01T10:00:00.000000","d":"2025-03-01","tm":"13:14:15.5","u":"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11","j":{"a": [1, 2, {"b": null}]},"jb":{"n": 1.10, "x": {"y": "z"}},"ia":[1,2,3],"ta":["plain","with space","with \"quote\"",null,"NULL","comma,inside","back\\slash"],"nested":[[1,2],[3,4]],"by":"AP8Q","m":"happy","ma":["happy","sad","so \"so\""],"n":null,"iv":"1 day 02:03:04","money_v":"$12.34","tstz_arr":["2025-03-01T10:00:00.000000Z",null],"jb_arr":[{"k": 1},[]],"vc":"vc","ch":"ab "}""",
            ReplicationHarness.Field(message, "record"));
        Assert.Equal("null", ReplicationHarness.Field(message, "changes"));
        Assert.Equal("\"insert\"", ReplicationHarness.Field(message, "action"));
    }
}
