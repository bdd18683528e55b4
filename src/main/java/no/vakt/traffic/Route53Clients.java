package no.vakt.traffic;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.Route53ClientBuilder;
import software.amazon.awssdk.utils.StringInputStream;

/**
 * Builds the Route 53 client with nothing left to the SDK's discovery: explicit region, static
 * credentials, the JDK's URL connection (no extra HTTP stack), an empty profile file (so
 * {@code ~/.aws/config} cannot change behaviour) and no SDK retries (Vakt's traffic switch is the one
 * place that retries, with its own backoff).
 */
final class Route53Clients {
    private Route53Clients() {}

    static Route53Client create(Route53Entry entry, String secretAccessKey) {
        ProfileFile empty = ProfileFile.builder()
                .content(new StringInputStream(""))
                .type(ProfileFile.Type.CONFIGURATION)
                .build();
        Route53ClientBuilder b = Route53Client.builder()
                .region(Region.of(entry.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(entry.accessKeyId(), secretAccessKey)))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(entry.timeout())
                        .socketTimeout(entry.timeout()))
                .overrideConfiguration(o -> o
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(entry.timeout().multipliedBy(2))
                        .defaultProfileFile(empty)
                        .defaultProfileName("vakt"));
        if (entry.endpoint() != null) b.endpointOverride(entry.endpoint());
        return b.build();
    }
}
