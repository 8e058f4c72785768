// Starts the SNS and SQS emulators in one node process on loopback, for Sequin's tests.
// Usage: node start.mjs   (env: SNS_PORT, SQS_PORT, default 0 = any free port; AWS_REGION, default us-east-1)
// Prints one line when both listen: {"sns":"http://127.0.0.1:<port>","sqs":"http://127.0.0.1:<port>"}
// Exits on SIGTERM/SIGINT, and with EXIT_ON_STDIN_END=1 (the test fixture sets it) when its standard input closes,
// so the emulators never outlive a test process that died.
import express from "express";
import bodyParser from "body-parser";
import { createSqsServer } from "local-aws-sqs";
import { SNSServer } from "./node_modules/serverless-offline-sns/dist/sns-server.js";

const host = "127.0.0.1";
const region = process.env.AWS_REGION || "us-east-1";
const accountId = process.env.AWS_ACCOUNT_ID || "123456789012";
// serverless-offline-sns delivers to SQS through the AWS SDK, which wants some credentials.
process.env.AWS_ACCESS_KEY_ID ||= "local";
process.env.AWS_SECRET_ACCESS_KEY ||= "local";

const sqs = await createSqsServer({ port: Number(process.env.SQS_PORT || 0), hostname: host, region, accountId });
const sqsPort = sqs.address().port;

const app = express();
app.use(bodyParser.urlencoded({ extended: true, limit: "10mb" }));
const sns = new SNSServer(() => {}, app, region, accountId);

// The emulator lacks PublishBatch and GetTopicAttributes. These two shims answer them in AWS's XML shapes on top of
// the emulator's own Publish and topic list, so an unmodified sink can run against it. Failure cases (partial batch
// failures, throttling) are covered by the .NET SnsFakeServer instead.
const xmlns = 'xmlns="http://sns.amazonaws.com/doc/2010-03-31/"';
const requestId = () => Math.random().toString(16).slice(2) + Date.now().toString(16);
const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const notFound = (res) => res.status(404).type("text/xml").send(
  `<ErrorResponse ${xmlns}><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`);
const prelude = express.Router();
prelude.post("/", (req, res, next) => {
  const body = req.body || {};
  if (body.Action === "GetTopicAttributes") {
    if (!sns.topics.find((t) => t.TopicArn === body.TopicArn)) return notFound(res);
    const attrs = { TopicArn: body.TopicArn, Owner: accountId, DisplayName: "", SubscriptionsConfirmed: String(sns.subscriptions.filter((s) => s.TopicArn === body.TopicArn).length) };
    const entries = Object.entries(attrs).map(([k, v]) => `<entry><key>${k}</key><value>${esc(v)}</value></entry>`).join("");
    return res.type("text/xml").send(`<GetTopicAttributesResponse ${xmlns}><GetTopicAttributesResult><Attributes>${entries}</Attributes></GetTopicAttributesResult><ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></GetTopicAttributesResponse>`);
  }
  if (body.Action === "PublishBatch") {
    if (!sns.topics.find((t) => t.TopicArn === body.TopicArn)) return notFound(res);
    const ok = [];
    for (let i = 1; body[`PublishBatchRequestEntries.member.${i}.Id`] !== undefined; i++) {
      const p = `PublishBatchRequestEntries.member.${i}.`;
      const entry = { MessageStructure: body[p + "MessageStructure"] };
      for (const key of Object.keys(body)) {
        if (key.startsWith(p + "MessageAttributes.")) entry[key.slice(p.length)] = body[key];
      }
      const attrs = Object.keys(entry).length > 1 ? parseAttrs(entry) : {};
      const out = sns.publish(body.TopicArn, body[p + "Subject"], body[p + "Message"], body[p + "MessageStructure"], attrs, body[p + "MessageGroupId"]);
      ok.push(`<member><Id>${esc(body[p + "Id"])}</Id><MessageId>${out.PublishResponse[1].PublishResult[0].MessageId}</MessageId></member>`);
    }
    return res.type("text/xml").send(`<PublishBatchResponse ${xmlns}><PublishBatchResult><Successful>${ok.join("")}</Successful><Failed/></PublishBatchResult><ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></PublishBatchResponse>`);
  }
  next();
});
function parseAttrs(entry) {
  const out = {};
  for (let j = 1; entry[`MessageAttributes.entry.${j}.Name`] !== undefined; j++) {
    const b = `MessageAttributes.entry.${j}.`;
    out[entry[b + "Name"]] = { Type: entry[b + "Value.DataType"], Value: entry[b + "Value.StringValue"] ?? entry[b + "Value.BinaryValue"] };
  }
  return out;
}
// Express runs handlers in registration order; SNSServer registered its own "/" handler already, so move ours first.
app.use(prelude);
const stack = app._router.stack;
const ours = stack.pop();
const firstRoute = stack.findIndex((l) => l.route);
stack.splice(firstRoute, 0, ours);

const snsServer = app.listen(Number(process.env.SNS_PORT || 0), host, () => {
  const snsPort = snsServer.address().port;
  process.stdout.write(JSON.stringify({ sns: `http://${host}:${snsPort}`, sqs: `http://${host}:${sqsPort}` }) + "\n");
});

const stop = () => { snsServer.close(); sqs.close(); process.exit(0); };
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
if (process.env.EXIT_ON_STDIN_END === "1") {
  process.stdin.on("end", stop);
  process.stdin.resume();
}
