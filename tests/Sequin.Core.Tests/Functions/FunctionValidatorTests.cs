using Sequin.Core.Tests.Routing.Support;
using Sequin.Functions;
using Sequin.Messages;

namespace Sequin.Core.Tests.Functions;

public sealed class FunctionValidatorTests
{
    [Fact]
    public void AValidRoutingFunctionHasNoErrors()
    {
        var routing = new KafkaLikeRoutedConsumer();
        var function = new FunctionDefinition("default-route", FunctionKind.Routing, routing.DefaultRoutingFunction) { SinkType = "kafka" };

        Assert.Empty(FunctionValidator.Validate(function, routing, limits: Some.Limits));
    }

    [Fact]
    public void ASyntaxErrorIsReportedWithLineAndColumn()
    {
        var errors = FunctionValidator.Validate(new FunctionDefinition("broken", FunctionKind.Filter, "function filter(a, r, c, m) {\n  return (;\n}"));

        var error = Assert.Single(errors);
        Assert.Equal("broken", error.FunctionName);
        Assert.Equal(2, error.Line);
        Assert.NotNull(error.Column);
        Assert.Contains("syntax error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARuntimeErrorOnTheSyntheticMessageIsReportedWithItsLine()
    {
        var errors = FunctionValidator.Validate(new FunctionDefinition("t", FunctionKind.Transform, "function transform(action, record, changes, metadata) {\n  return record.nope.x;\n}"), limits: Some.Limits);

        var error = Assert.Single(errors);
        Assert.Equal(2, error.Line);
        Assert.Contains("Transform function 't' threw TypeError", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSyntheticMessageIsAnUpdateOfACharactersRow()
    {
        var errors = FunctionValidator.Validate(Some.Filter(
            "if (action !== 'update' || metadata.table_name !== 'characters' || changes.planet !== 'Caladan' || record.is_active !== true) { throw new Error('unexpected'); }\nreturn true;"), limits: Some.Limits);

        Assert.Empty(errors);
        var message = FunctionValidator.CreateSyntheticMessage();
        Assert.Equal(ChangeAction.Update, message.Action);
        Assert.Equal("characters", message.Relation.Table);
    }

    [Fact]
    public void AFilterReturningANonBooleanIsReported()
    {
        var error = Assert.Single(FunctionValidator.Validate(Some.Filter("return 'yes';"), limits: Some.Limits));

        Assert.Contains("Filter functions must return true or false", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownRouteKeysAreReportedWhenTheSinkRoutingIsGiven()
    {
        var errors = FunctionValidator.Validate(Some.Route("return { topic: 't', queue: 'q', message_key: false };"), new KafkaLikeRoutedConsumer(), limits: Some.Limits);

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Message.Contains("unknown key 'queue'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("boolean false for key 'message_key'", StringComparison.Ordinal));
    }

    [Fact]
    public void AnEndlessLoopIsReported()
    {
        var error = Assert.Single(FunctionValidator.Validate(Some.Filter("while (true) { }"), limits: new FunctionLimits { Timeout = TimeSpan.FromMilliseconds(20), MaxStatements = int.MaxValue }));

        Assert.Contains("exceeded the time limit of 20 ms of CPU time", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TopLevelErrorsAreReported()
    {
        var error = Assert.Single(FunctionValidator.Validate(new FunctionDefinition("top", FunctionKind.Filter, "var x = undefinedThing.y;\nfunction filter() { return true; }"), limits: Some.Limits));

        Assert.Equal(1, error.Line);
        Assert.Equal(8, error.Column); // the top level runs inside a wrapper function: positions stay the user's
        Assert.Contains("ReferenceError", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SyntaxErrorsOnTheFirstLineOfAWrappedSourceKeepTheirColumn()
    {
        var error = Assert.Single(FunctionValidator.Validate(new FunctionDefinition("top", FunctionKind.Filter, "let x = 1 +;\nfunction filter() { return true; }"), limits: Some.Limits));

        Assert.Equal(1, error.Line);
        Assert.Equal(11, error.Column);
        Assert.Contains("syntax error", error.Message, StringComparison.Ordinal);
    }
}
