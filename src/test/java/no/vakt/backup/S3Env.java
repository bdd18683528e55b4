package no.vakt.backup;

import java.net.URI;
import java.util.Map;
import no.vakt.testing.S3Proxy;

/** The test server's credentials as the environment would give them, and a bucket made on it. */
final class S3Env {
    private S3Env() {}

    static Map<String, String> of() {
        return Map.of("AWS_ACCESS_KEY_ID", S3Proxy.IDENTITY, "AWS_SECRET_ACCESS_KEY", S3Proxy.CREDENTIAL);
    }

    static void createBucket(URI endpoint, String bucket) {
        S3Proxy.createBucket(endpoint, bucket);
    }
}
