using Sequin.Messages;

namespace Sequin.Functions;

/// <summary>
/// The arguments of one function call, engine-neutral: the message's default JSON
/// (<c>{record, changes, action, metadata}</c>, as <see cref="ChangeMessageJsonWriter"/> writes it), from
/// which the engine builds <c>action</c>, <c>record</c>, <c>changes</c> and <c>metadata</c>.
/// </summary>
/// <param name="MessageJson">The UTF-8 message JSON. Only valid during the call.</param>
/// <param name="Layout">Where its four values lie, when the writer said so (then the engine need not scan for them).</param>
internal readonly record struct FunctionInput(ReadOnlyMemory<byte> MessageJson, MessageJsonLayout? Layout = null);
