package no.vakt.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import no.vakt.config.BackupConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.utils.StringInputStream;

/**
 * The S3 client for a repository, with nothing left to the SDK's discovery (as for Route 53): the region,
 * static credentials read once from the configured AWS-format credentials file or from AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY, no profile file of the user's, the JDK's URL connection. Checksums are sent only when
 * the API requires them: S3-compatible stores do not all take the newer trailing CRC checksums.
 */
final class S3Clients {
    private static final Duration CONNECT = Duration.ofSeconds(10);
    private static final Duration SOCKET = Duration.ofSeconds(60);

    private S3Clients() {}

    static S3Repository repository(BackupConfig.Repository r, Map<String, String> env) throws IOException {
        String where = "s3://" + r.bucket() + "/" + r.prefix() + (r.endpoint() != null ? " at " + r.endpoint() : "");
        ProfileFile empty = ProfileFile.builder().content(new StringInputStream("")).type(ProfileFile.Type.CONFIGURATION).build();
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(r.region()))
                .credentialsProvider(StaticCredentialsProvider.create(credentials(r, env)))
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(CONNECT).socketTimeout(SOCKET))
                .forcePathStyle(r.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.defaultProfileFile(empty).defaultProfileName("vakt"));
        if (r.endpoint() != null) b.endpointOverride(r.endpoint());
        return new S3Repository(b.build(), r.bucket(), r.prefix(), where);
    }

    /** The keys themselves never go into a message: only where they were looked for. */
    static AwsBasicCredentials credentials(BackupConfig.Repository r, Map<String, String> env) throws IOException {
        if (r.credentialsFile() != null) {
            if (!Files.isReadable(r.credentialsFile())) throw new IOException("cannot read the S3 credentials file " + r.credentialsFile());
            ProfileFile file = ProfileFile.builder().content(r.credentialsFile()).type(ProfileFile.Type.CREDENTIALS).build();
            Optional<Profile> p = file.profile(r.profile());
            Optional<String> id = p.flatMap(x -> x.property("aws_access_key_id"));
            Optional<String> secret = p.flatMap(x -> x.property("aws_secret_access_key"));
            if (id.isEmpty() || secret.isEmpty()) {
                throw new IOException("the S3 credentials file " + r.credentialsFile() + " has no aws_access_key_id and aws_secret_access_key"
                        + " under [" + r.profile() + "]");
            }
            return AwsBasicCredentials.create(id.get(), secret.get());
        }
        String id = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (id == null || id.isEmpty() || secret == null || secret.isEmpty()) {
            throw new IOException("no S3 credentials: set backup.repository.credentials-file, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        }
        return AwsBasicCredentials.create(id, secret);
    }
}
