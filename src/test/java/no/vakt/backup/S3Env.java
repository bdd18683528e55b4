package no.vakt.backup;

import java.net.URI;
import java.util.Map;
import no.vakt.testing.S3Proxy;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The test server's credentials as the environment would give them, and a bucket made on it. */
final class S3Env {
    private S3Env() {}

    static Map<String, String> of() {
        return Map.of("AWS_ACCESS_KEY_ID", S3Proxy.IDENTITY, "AWS_SECRET_ACCESS_KEY", S3Proxy.CREDENTIAL);
    }

    static void createBucket(URI endpoint, String bucket) {
        try (S3Client c = S3Client.builder().region(Region.of("us-east-1")).endpointOverride(endpoint).forcePathStyle(true)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Proxy.IDENTITY, S3Proxy.CREDENTIAL)))
                .build()) {
            c.createBucket(b -> b.bucket(bucket));
        }
    }
}
