using System.Text;
using System.Text.Json;
using Sequin.Core.Tests.Routing.Support;
using Sequin.Functions;
using Sequin.Messages;
using Sequin.Routing;
using Sequin.Sinks;

namespace Sequin.Core.Tests.Routing;

public sealed class MessageProcessorTests
{
    [Fact]
    public void StaticModeRoutesToTheConfiguredTopicAndSendsTheDefaultJson()
    {
        var message = Some.Message();
        var routed = Some.Routed(Some.Processor(Some.StaticOptions("orders")).Process(message, "42"));

        Assert.Equal("orders", routed.Route["topic"]);
        Assert.Null(routed.Route["message_key"]);
        Assert.Equal("42", routed.GroupId);
        Assert.False(routed.IsTransformed);
        Assert.Equal(ChangeMessageJsonWriter.ToUtf8Bytes(message, Some.Consumer, TimestampFormat.Iso8601), routed.Payload.ToArray());
        Assert.Same(message, routed.Message);
    }

    [Fact]
    public void PayloadsOfOneProcessorMatchTheWriterAcrossSourcesAndRelations()
    {
        // The processor encodes names and the consumer/database objects once (MessageJsonCache, RelationJsonNames);
        // each payload must still be what the plain writer gives, when the source and the relation change between messages.
        var processor = Some.Processor(Some.StaticOptions());
        var odd = new RelationInfo(99, "sch\"ema", "t\\able", [new RelationColumn("id", PgTypeOids.Int8, -1, true), new RelationColumn("na\"me\n", PgTypeOids.Text, -1, false)]);
        var transaction = new TransactionInfo(1, new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero), 1);
        var other = new SourceDatabaseInfo("db-2", "ar\"rakis", "arrakis_db", "db2.internal", "{\"region\":\"south\"}");
        ChangeMessage[] messages =
        [
            Some.Message(),
            new(ChangeAction.Insert, new RowImage(odd, [ColumnValue.FromText("7"), ColumnValue.FromText("x\"y")]), null, transaction, 0, other, null),
            Some.Message(id: "43"),
            new(ChangeAction.Read, new RowImage(odd, [ColumnValue.FromText("8"), ColumnValue.Null]), null, transaction, 1, other, null),
        ];

        foreach (var message in messages)
        {
            var routed = Some.Routed(processor.Process(message, null));
            Assert.Equal(ChangeMessageJsonWriter.ToUtf8Bytes(message, Some.Consumer, TimestampFormat.Iso8601), routed.Payload.ToArray());
        }
    }

    [Fact]
    public void StaticModeWithoutAConfiguredTopicKeepsTheDefaultRoute()
    {
        var routed = Some.Routed(Some.Processor(Some.StaticOptions(topic: null)).Process(Some.Message(), "42"));

        Assert.Equal("sequin.public.characters", routed.Route["topic"]);
    }

    [Fact]
    public void StaticModeWithAnInvalidConfiguredTopicFailsTheMessageNamingTheRule()
    {
        var error = Some.Failed(Some.Processor(Some.StaticOptions("my orders")).Process(Some.Message(), "42"));

        Assert.Contains("characters-to-kafka", error, StringComparison.Ordinal);
        Assert.Contains("'topic'", error, StringComparison.Ordinal);
        Assert.Contains("\"my orders\"", error, StringComparison.Ordinal);
        Assert.Contains("whitespace", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TimestampFormatAppliesToThePayload()
    {
        var options = new MessageProcessorOptions
        {
            Routing = new KafkaLikeRoutedConsumer(),
            Consumer = Some.Consumer,
            Limits = Some.Limits,
            SinkOptions = new KafkaLikeOptions(),
            TimestampFormat = TimestampFormat.UnixMicrosecond,
        };
        var message = Some.Message();
        var routed = Some.Routed(Some.Processor(options).Process(message, null));

        Assert.Equal(ChangeMessageJsonWriter.ToUtf8Bytes(message, Some.Consumer, TimestampFormat.UnixMicrosecond), routed.Payload.ToArray());
    }

    [Fact]
    public void DynamicModeRoutesWithTheFunctionOutput()
    {
        var function = Some.Route("return { topic: 'house.' + record.house.toLowerCase(), message_key: String(record.id) };");
        var routed = Some.Routed(Some.Processor(Some.DynamicOptions(function)).Process(Some.Message(house: "Harkonnen"), "42"));

        Assert.Equal("house.harkonnen", routed.Route["topic"]);
        Assert.Equal("42", routed.Route["message_key"]);
    }

    [Fact]
    public void DynamicModeKeepsTheDefaultForKeysTheFunctionOmits()
    {
        var routed = Some.Routed(Some.Processor(Some.DynamicOptions(Some.Route("return { message_key: 'k' };"))).Process(Some.Message(), "42"));

        Assert.Equal("sequin.public.characters", routed.Route["topic"]);
        Assert.Equal("k", routed.Route["message_key"]);
    }

    [Fact]
    public void DynamicModeDoesNotMergeTheStaticSinkValues()
    {
        var options = new MessageProcessorOptions
        {
            Routing = new KafkaLikeRoutedConsumer(),
            Consumer = Some.Consumer,
            Limits = Some.Limits,
            Mode = RoutingMode.Dynamic,
            SinkOptions = new KafkaLikeOptions { Topic = "static-topic" },
            RoutingFunction = Some.Route("return {};"),
        };

        var routed = Some.Routed(Some.Processor(options).Process(Some.Message(), "42"));

        Assert.Equal("sequin.public.characters", routed.Route["topic"]);
    }

    [Fact]
    public void UnknownKeyIsRejectedNamingTheKeyAndTheKnownKeys()
    {
        var error = Some.Failed(Some.Processor(Some.DynamicOptions(Some.Route("return { topic: 't', partition: 3 };"))).Process(Some.Message(), "42"));

        Assert.Contains("my-route", error, StringComparison.Ordinal);
        Assert.Contains("unknown key 'partition'", error, StringComparison.Ordinal);
        Assert.Contains("topic, message_key", error, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidValueIsRejectedNamingTheKeyTheValueAndTheRule()
    {
        var error = Some.Failed(Some.Processor(Some.DynamicOptions(Some.Route("return { topic: 'has space' };"))).Process(Some.Message(), "42"));

        Assert.Contains("my-route", error, StringComparison.Ordinal);
        Assert.Contains("'topic'", error, StringComparison.Ordinal);
        Assert.Contains("\"has space\"", error, StringComparison.Ordinal);
        Assert.Contains("whitespace", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TooLongValueIsRejected()
    {
        var error = Some.Failed(Some.Processor(Some.DynamicOptions(Some.Route("return { topic: new Array(300).join('x') };"))).Process(Some.Message(), "42"));

        Assert.Contains("too long", error, StringComparison.Ordinal);
    }

    [Fact]
    public void NullUnsetsAKeyAndARequiredKeyThenFails()
    {
        var error = Some.Failed(Some.Processor(Some.DynamicOptions(Some.Route("return { topic: null };"))).Process(Some.Message(), "42"));

        Assert.Contains("'topic' is required", error, StringComparison.Ordinal);
    }

    [Fact]
    public void NumberValuesAreConvertedToTheirJavaScriptText()
    {
        var routed = Some.Routed(Some.Processor(Some.DynamicOptions(Some.Route("return { message_key: record.id, topic: 't' + 1.5 };"))).Process(Some.Message(id: "7"), "7"));

        Assert.Equal("7", routed.Route["message_key"]);
        Assert.Equal("t1.5", routed.Route["topic"]);
    }

    [Theory]
    [InlineData("true", "boolean true")]
    [InlineData("{ name: 'x' }", "an object")]
    [InlineData("['a']", "an array")]
    public void NonStringValuesAreRejected(string value, string described)
    {
        var error = Some.Failed(Some.Processor(Some.DynamicOptions(Some.Route($"return {{ topic: 't', message_key: {value} }};"))).Process(Some.Message(), "42"));

        Assert.Contains("'message_key'", error, StringComparison.Ordinal);
        Assert.Contains(described, error, StringComparison.Ordinal);
        Assert.Contains("strings or numbers", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'orders'", "string \"orders\"")]
    [InlineData("undefined", "undefined")]
    [InlineData("null", "null")]
    [InlineData("['orders']", "an array")]
    [InlineData("42", "number 42")]
    public void RoutingFunctionReturningANonObjectIsRejected(string value, string described)
    {
        var error = Some.Failed(Some.Processor(Some.DynamicOptions(Some.Route($"return {value};"))).Process(Some.Message(), "42"));

        Assert.Contains("Routing function 'my-route' returned " + described, error, StringComparison.Ordinal);
        Assert.Contains("must return an object", error, StringComparison.Ordinal);
    }

    [Fact]
    public void SinkValidateRuleFailsTheMessage()
    {
        var routing = new KafkaLikeRoutedConsumer { ValidateError = "topic and key clash" };
        var error = Some.Failed(Some.Processor(Some.DynamicOptions(Some.Route("return { topic: 't' };"), routing)).Process(Some.Message(), "42"));

        Assert.Contains("topic and key clash", error, StringComparison.Ordinal);
        Assert.Equal(1, routing.ValidateCalls);
    }

    [Fact]
    public void FunctionThatThrowsFailsWithItsNameAndLine()
    {
        var function = Some.Route("var x = 1;\nthrow new Error('no route for ' + record.house);");
        var error = Some.Failed(Some.Processor(Some.DynamicOptions(function)).Process(Some.Message(), "42"));

        Assert.Contains("Routing function 'my-route' threw Error: no route for Atreides", error, StringComparison.Ordinal);
        Assert.Contains("line 3", error, StringComparison.Ordinal);
    }

    [Fact]
    public void EndlessLoopIsStoppedAndTheProcessorKeepsWorking()
    {
        var options = Some.DynamicOptions(Some.Route("if (record.house === 'Loop') { while (true) { } }\nreturn { topic: 'ok' };"));
        options = new MessageProcessorOptions
        {
            Routing = options.Routing,
            Consumer = options.Consumer,
            Mode = options.Mode,
            RoutingFunction = options.RoutingFunction,
            Limits = new FunctionLimits { Timeout = TimeSpan.FromMilliseconds(300), MaxStatements = int.MaxValue },
        };
        var processor = Some.Processor(options);

        var error = Some.Failed(processor.Process(Some.Message(house: "Loop"), "1"));
        Assert.Contains("exceeded the time limit of 300 ms of CPU time", error, StringComparison.Ordinal);
        Assert.Contains("my-route", error, StringComparison.Ordinal);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("ok", Some.Routed(processor.Process(Some.Message(), "2")).Route["topic"]);
        }
    }

    [Theory]
    [InlineData("var o = {}; for (var i = 0; i < 30000; i++) o = { a: o }; JSON.stringify(o);", "JSON depth limit")]
    [InlineData("var o = {}; for (var i = 0; i < 1e7; i++) o = Object.create(o); o.x;", "limit")]
    [InlineData("var a = []; while (true) a.push(new Array(1e5).fill(1.5));", "limit")]
    public async Task AnAttackOnOneRowFailsOnlyThatRowOnAWorkerPartitionsThread(string attack, string limit)
    {
        var options = Some.DynamicOptions(Some.Route("if (record.house === 'Evil') { " + attack + " }\nreturn { topic: 'ok' };"));
        options = new MessageProcessorOptions
        {
            Routing = options.Routing,
            Consumer = options.Consumer,
            Mode = options.Mode,
            RoutingFunction = options.RoutingFunction,
            Limits = new FunctionLimits { Timeout = TimeSpan.FromMilliseconds(200), MaxStatements = int.MaxValue },
        };
        var processor = Some.Processor(options);
        var results = new List<ProcessResult>();

        // As the runtime does: the partition's loop runs on a large-stack thread and calls the functions inline.
        await Sequin.Functions.Engines.LargeStackThread.Run(
            () =>
            {
                results.Add(processor.Process(Some.Message(house: "Atreides"), "1"));
                results.Add(processor.Process(Some.Message(house: "Evil"), "2"));
                results.Add(processor.Process(Some.Message(house: "Harkonnen"), "3"));
            },
            "test-partition");

        Assert.Equal("ok", Some.Routed(results[0]).Route["topic"]);
        var error = Some.Failed(results[1]);
        Assert.Contains("Routing function 'my-route' ", error, StringComparison.Ordinal);
        Assert.Contains(limit, error, StringComparison.Ordinal);
        Assert.Equal("ok", Some.Routed(results[2]).Route["topic"]);
    }

    [Fact]
    public void ALongLivedProcessorDoesNotTimeOutOnItsOwn()
    {
        // Jint 2 counts time from the engine's last Execute: without a reset per call, later calls would time out.
        var options = new MessageProcessorOptions
        {
            Routing = new KafkaLikeRoutedConsumer(),
            Consumer = Some.Consumer,
            Mode = RoutingMode.Dynamic,
            RoutingFunction = Some.Route("return { topic: 't' };"),
            Limits = new FunctionLimits { Timeout = TimeSpan.FromMilliseconds(300), MaxStatements = 1000 },
        };
        var processor = Some.Processor(options);
        var until = DateTime.UtcNow.AddMilliseconds(700);
        var calls = 0;
        while (DateTime.UtcNow < until || calls < 100)
        {
            Some.Routed(processor.Process(Some.Message(), "1"));
            calls++;
        }

        Assert.True(calls >= 100);
    }

    [Fact]
    public void FilterThatDropsDeletesFiltersThemAndKeepsTheRest()
    {
        var options = new MessageProcessorOptions
        {
            Routing = new KafkaLikeRoutedConsumer(),
            Consumer = Some.Consumer,
            Limits = Some.Limits,
            SinkOptions = new KafkaLikeOptions { Topic = "t" },
            FilterFunction = Some.Filter("return action !== 'delete';"),
        };
        var processor = Some.Processor(options);

        Assert.Equal(ProcessResultKind.Filtered, processor.Process(Some.Message(ChangeAction.Delete), "42").Kind);
        Assert.Equal(ProcessResultKind.Routed, processor.Process(Some.Message(ChangeAction.Insert), "42").Kind);
        Assert.Equal(ProcessResultKind.Routed, processor.Process(Some.Message(ChangeAction.Update, oldHouse: "Corrino"), "42").Kind);
    }

    [Fact]
    public void FunctionsSeeABackfillReadAsActionReadWithNullChanges()
    {
        var options = new MessageProcessorOptions
        {
            Routing = new KafkaLikeRoutedConsumer(),
            Consumer = Some.Consumer,
            Limits = Some.Limits,
            Mode = RoutingMode.Dynamic,
            FilterFunction = Some.Filter("return action === 'read' && changes === null;"),
            RoutingFunction = Some.Route("return { topic: action === 'read' ? 'backfill' : 'live' };"),
            TransformFunction = Some.Transform("return { op: action, id: record.id };"),
        };
        var processor = Some.Processor(options);

        var routed = Some.Routed(processor.Process(Some.Message(ChangeAction.Read), "42"));

        Assert.Equal("backfill", routed.Route["topic"]);
        Assert.Equal("{\"op\":\"read\",\"id\":42}", Encoding.UTF8.GetString(routed.Payload.Span));
        Assert.Equal(ProcessResultKind.Filtered, processor.Process(Some.Message(ChangeAction.Insert), "42").Kind);
    }

    [Theory]
    [InlineData("return 1;", "number 1")]
    [InlineData("return 'true';", "string \"true\"")]
    [InlineData("return null;", "null")]
    [InlineData("", "undefined")]
    public void FilterReturningANonBooleanFails(string body, string described)
    {
        var options = new MessageProcessorOptions
        {
            Routing = new KafkaLikeRoutedConsumer(),
            Consumer = Some.Consumer,
            Limits = Some.Limits,
            SinkOptions = new KafkaLikeOptions { Topic = "t" },
            FilterFunction = Some.Filter(body),
        };

        var error = Some.Failed(Some.Processor(options).Process(Some.Message(), "42"));

        Assert.Contains("Filter function 'my-filter' returned " + described, error, StringComparison.Ordinal);
        Assert.Contains("Filter functions must return true or false", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TransformOutputIsThePayload()
    {
        var options = new MessageProcessorOptions
        {
            Routing = new KafkaLikeRoutedConsumer(),
            Consumer = Some.Consumer,
            Limits = Some.Limits,
            SinkOptions = new KafkaLikeOptions { Topic = "t" },
            TransformFunction = Some.Transform("return { id: String(record.id), house: record.house, op: action, age: record.metadata.age, tags: record.tags };"),
        };

        var routed = Some.Routed(Some.Processor(options).Process(Some.Message(), "42"));

        Assert.True(routed.IsTransformed);
        Assert.Equal("{\"id\":\"42\",\"house\":\"Atreides\",\"op\":\"insert\",\"age\":15,\"tags\":[\"heir\",\"kwisatz haderach\"]}", Encoding.UTF8.GetString(routed.Payload.Span));
    }

    [Fact]
    public void RoutingSeesTheUntransformedMessage()
    {
        var options = new MessageProcessorOptions
        {
            Routing = new KafkaLikeRoutedConsumer(),
            Consumer = Some.Consumer,
            Limits = Some.Limits,
            Mode = RoutingMode.Dynamic,
            RoutingFunction = Some.Route("record.house = 'mutated-by-route';\nreturn { topic: 'house.' + record.house + '.' + (record.transformed ? 'transformed' : 'raw') };"),
            TransformFunction = Some.Transform("record.transformed = true;\nreturn { house: record.house, transformed: record.transformed };"),
        };

        var routed = Some.Routed(Some.Processor(options).Process(Some.Message(), "42"));

        Assert.Equal("house.mutated-by-route.raw", routed.Route["topic"]);
        Assert.Equal("{\"house\":\"Atreides\",\"transformed\":true}", Encoding.UTF8.GetString(routed.Payload.Span));
    }

    [Fact]
    public void TransformReturningAFunctionFails()
    {
        var error = Some.Failed(TransformProcessor("return { a: 1, f: function () { return 1; } };").Process(Some.Message(), "42"));

        Assert.Contains("Transform function 'my-transform' returned a value that is not JSON serializable: a function at $.f", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TransformReturningACyclicValueFails()
    {
        var error = Some.Failed(TransformProcessor("var o = { a: { b: [] } };\no.a.b.push(o);\nreturn o;").Process(Some.Message(), "42"));

        Assert.Contains("not JSON serializable: a cyclic value at $.a.b[0]", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TransformReturningUndefinedFails()
    {
        var error = Some.Failed(TransformProcessor("var x = record;").Process(Some.Message(), "42"));

        Assert.Contains("returned undefined", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TransformReadsMetadataEnrichmentAndItIsNullWithoutOne()
    {
        var processor = TransformProcessor("return { house: record.house, account: metadata.enrichment && metadata.enrichment.account_name };");

        var enriched = Some.Routed(processor.Process(Some.Message(), "42", """{"id":42,"account_name":"Acme"}"""));
        var plain = Some.Routed(processor.Process(Some.Message(), "42"));

        Assert.Contains("\"account\":\"Acme\"", Encoding.UTF8.GetString(enriched.Payload.Span), StringComparison.Ordinal);
        Assert.Contains("\"account\":null", Encoding.UTF8.GetString(plain.Payload.Span), StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutATransformThePayloadCarriesMetadataEnrichment()
    {
        var processor = Some.Processor(new MessageProcessorOptions
        {
            Routing = new KafkaLikeRoutedConsumer(),
            Consumer = Some.Consumer,
            Limits = Some.Limits,
            SinkOptions = new KafkaLikeOptions { Topic = "t" },
        });

        var routed = Some.Routed(processor.Process(Some.Message(), "42", """{"id":42,"account_name":"Acme"}"""));

        Assert.Contains("\"enrichment\":{\"id\":42,\"account_name\":\"Acme\"}", Encoding.UTF8.GetString(routed.Payload.Span), StringComparison.Ordinal);
    }

    [Fact]
    public void TransformMayReturnAScalar()
    {
        var routed = Some.Routed(TransformProcessor("return record.house;").Process(Some.Message(), "42"));

        Assert.Equal("\"Atreides\"", Encoding.UTF8.GetString(routed.Payload.Span));
    }

    [Fact]
    public void TransformFollowsJsonStringifyForUndefinedPropertiesDatesAndNaN()
    {
        var routed = Some.Routed(TransformProcessor("return { a: undefined, b: [undefined, NaN], d: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)) };").Process(Some.Message(), "42"));

        using var doc = JsonDocument.Parse(routed.Payload);
        Assert.False(doc.RootElement.TryGetProperty("a", out _));
        Assert.Equal("[null,null]", doc.RootElement.GetProperty("b").GetRawText());
        Assert.Equal("2025-01-02T03:04:05.000Z", doc.RootElement.GetProperty("d").GetString());
    }

    [Fact]
    public void ProcessorsFromOneFactoryRunInParallelWithoutInterfering()
    {
        var dynamic = Some.DynamicOptions(Some.Route("var n = 0; for (var i = 0; i < 50; i++) { n += i; }\nreturn { topic: 'p.' + record.id + '.' + n };"));
        var factory = new MessageProcessorFactory(new MessageProcessorOptions
        {
            Routing = dynamic.Routing,
            Consumer = dynamic.Consumer,
            Mode = dynamic.Mode,
            RoutingFunction = dynamic.RoutingFunction,
            Limits = new FunctionLimits { Timeout = TimeSpan.FromSeconds(1) }, // this test is about interference, not time
        });
        var errors = new List<string>();
        Parallel.For(0, 4, worker =>
        {
            var processor = factory.Create();
            for (var i = 0; i < 300; i++)
            {
                var id = (worker * 1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var result = processor.Process(Some.Message(id: id), id);
                if (result.Kind != ProcessResultKind.Routed || result.Message!.Route["topic"] != "p." + id + ".1225")
                {
                    lock (errors)
                    {
                        errors.Add(result.Error ?? result.Message!.Route.ToString());
                    }
                }
            }
        });

        Assert.Empty(errors);
    }

    [Fact]
    public void ASinkRoutingExceptionFailsTheMessageInsteadOfThrowing()
    {
        var routing = new Moq.Mock<IRoutedConsumer>();
        routing.SetupGet(r => r.Keys).Returns(new KafkaLikeRoutedConsumer().Keys);
        routing.Setup(r => r.ApplyDefaultRoute(Moq.It.IsAny<ChangeMessage>(), Moq.It.IsAny<Route>())).Throws(new InvalidOperationException("boom"));
        var options = new MessageProcessorOptions { Routing = routing.Object, Consumer = Some.Consumer,
            Limits = Some.Limits, SinkOptions = new object() };

        var error = Some.Failed(Some.Processor(options).Process(Some.Message(), "42"));

        Assert.Contains("boom", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DynamicModeWithoutARoutingFunctionIsRejected()
    {
        var options = new MessageProcessorOptions { Routing = new KafkaLikeRoutedConsumer(), Consumer = Some.Consumer,
            Limits = Some.Limits, Mode = RoutingMode.Dynamic };

        var e = Assert.Throws<ArgumentException>(() => new MessageProcessorFactory(options));
        Assert.Contains("no routing function", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StaticModeWithARoutingFunctionIsRejected()
    {
        var options = Some.StaticOptions();
        options = new MessageProcessorOptions { Routing = options.Routing, Consumer = options.Consumer, Limits = Some.Limits, SinkOptions = options.SinkOptions, RoutingFunction = Some.Route("return {};") };

        var e = Assert.Throws<ArgumentException>(() => new MessageProcessorFactory(options));
        Assert.Contains("needs dynamic routing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFunctionInTheWrongSlotIsRejected()
    {
        var options = new MessageProcessorOptions
        {
            Routing = new KafkaLikeRoutedConsumer(),
            Consumer = Some.Consumer,
            Limits = Some.Limits,
            SinkOptions = new KafkaLikeOptions(),
            FilterFunction = Some.Transform("return 1;"),
        };

        var e = Assert.Throws<ArgumentException>(() => new MessageProcessorFactory(options));
        Assert.Contains("is a transform function", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFunctionWithASyntaxErrorIsRejectedAtCreationWithItsLine()
    {
        var e = Assert.Throws<ArgumentException>(() => new MessageProcessorFactory(Some.DynamicOptions(Some.Route("return { topic: 'a',, };"))));

        Assert.Contains("my-route", e.Message, StringComparison.Ordinal);
        Assert.Contains("syntax error", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
    }

    private static IMessageProcessor TransformProcessor(string body) => Some.Processor(new MessageProcessorOptions
    {
        Routing = new KafkaLikeRoutedConsumer(),
        Consumer = Some.Consumer,
            Limits = Some.Limits,
        SinkOptions = new KafkaLikeOptions { Topic = "t" },
        TransformFunction = Some.Transform(body),
    });
}
