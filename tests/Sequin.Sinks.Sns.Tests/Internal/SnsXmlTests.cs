using Sequin.Sinks.Sns.Internal;

namespace Sequin.Sinks.Sns.Tests.Internal;

public sealed class SnsXmlTests
{
    [Fact]
    public void ErrorResponseGivesCodeMessageAndRequestId()
    {
        var root = SnsXml.Parse("""
            <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
              <Error><Type>Sender</Type><Code>AuthorizationError</Code><Message>User is not authorized to perform: SNS:Publish</Message></Error>
              <RequestId>9b7d4e1f-0000-4a2b-8c3d-000000000001</RequestId>
            </ErrorResponse>
            """);

        var error = SnsQueryApi.Classify(SnsXml.ReadError(root, 403)!, null);

        Assert.Equal("AuthorizationError", error.Code);
        Assert.Equal("9b7d4e1f-0000-4a2b-8c3d-000000000001", error.RequestId);
        Assert.False(error.IsRetryable);
        Assert.Equal("Error from AWS: User is not authorized to perform: SNS:Publish (code=AuthorizationError, status=403, request id=9b7d4e1f-0000-4a2b-8c3d-000000000001)", error.ToString());
    }

    [Theory]
    [InlineData("Throttling", 400, true, true)]
    [InlineData("ThrottlingException", 400, true, true)]
    [InlineData("Anything", 429, true, true)]
    [InlineData("ServiceUnavailable", 503, true, true)]
    [InlineData("InternalError", 500, true, false)]
    [InlineData("NotFound", 404, false, false)]
    [InlineData("InvalidParameter", 400, false, false)]
    public void ErrorsAreClassified(string code, int status, bool retryable, bool throttling)
    {
        var error = SnsQueryApi.Classify(new SnsError(code, "m", status), null);

        Assert.Equal(retryable, error.IsRetryable);
        Assert.Equal(throttling, error.IsThrottling);
        Assert.Equal(throttling ? TimeSpan.FromSeconds(1) : null, error.RetryAfter);
    }

    [Fact]
    public void PublishBatchResultReadsSuccessfulAndFailedEntriesWithoutANamespace()
    {
        var root = SnsXml.Parse("""
            <PublishBatchResponse><PublishBatchResult>
              <Successful><member><Id>0</Id><MessageId>m-0</MessageId></member></Successful>
              <Failed><member><Id>1</Id><Code>InternalError</Code><Message>oops</Message><SenderFault>false</SenderFault></member></Failed>
            </PublishBatchResult></PublishBatchResponse>
            """);

        var result = SnsXml.ReadPublishBatch(root);

        Assert.Equal(new SnsBatchResultEntry("0", "m-0"), Assert.Single(result.Successful));
        Assert.Equal(new SnsBatchResultErrorEntry("1", "InternalError", "oops", false), Assert.Single(result.Failed));
    }

    [Fact]
    public void ListTopicsReadsArnsAndNextToken()
    {
        var root = SnsXml.Parse("""
            <ListTopicsResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ListTopicsResult>
              <Topics><member><TopicArn>arn:aws:sns:us-east-1:123456789012:a</TopicArn></member><member><TopicArn>arn:aws:sns:us-east-1:123456789012:b</TopicArn></member></Topics>
              <NextToken>tok</NextToken>
            </ListTopicsResult></ListTopicsResponse>
            """);

        var page = SnsXml.ReadListTopics(root);

        Assert.Equal(["arn:aws:sns:us-east-1:123456789012:a", "arn:aws:sns:us-east-1:123456789012:b"], page.TopicArns);
        Assert.Equal("tok", page.NextToken);
    }

    [Fact]
    public void AResponseOfTheWrongShapeIsAFormatError()
    {
        var root = SnsXml.Parse("<NotImplementedResponse/>");

        Assert.Throws<FormatException>(() => SnsXml.ReadPublishBatch(root));
    }

    [Theory]
    [InlineData("arn:aws:sns:eu-central-1:123456789012:t", "eu-central-1")]
    [InlineData("arn:aws-us-gov:sns:us-gov-west-1:123456789012:t.fifo", "us-gov-west-1")]
    public void RegionIsReadFromTheArn(string arn, string region)
    {
        Assert.Equal(region, new SnsSinkOptions { TopicArn = arn }.EffectiveRegion);
    }

    [Fact]
    public void ChinaRegionsUseTheChinaEndpoint()
    {
        Assert.Equal(new Uri("https://sns.cn-north-1.amazonaws.com.cn/"), new SnsSinkOptions { Region = "cn-north-1" }.EffectiveEndpoint);
    }
}
