package no.vakt.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server for tests: s3proxy (Maven Central, copied to target/test-tools by the build) in a
 * JVM of its own, its filesystem backend in {@code dir}, on a free port of {@code address}. Its own JVM because
 * its Jetty 11 would clash with the dashboard's Jetty 12 on the test classpath.
 */
public final class S3Proxy implements AutoCloseable {
    public static final String IDENTITY = "vakt-test";
    public static final String CREDENTIAL = "s3proxy-test-secret-7f3a";

    private final Process process;
    private final URI endpoint;

    private S3Proxy(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static S3Proxy start(Path dir, String address) throws IOException {
        Path jar = Path.of(System.getProperty("vakt.test.tmp", "target/test-tmp")).toAbsolutePath().getParent()
                .resolve("test-tools/s3proxy.jar");
        if (!Files.isRegularFile(jar)) throw new IOException(jar + " is missing: the build's process-test-resources phase copies it");
        int port = Loopback.freePort(address);
        URI endpoint = URI.create("http://" + address + ":" + port);
        Path data = Files.createDirectories(dir.resolve("data"));
        Path conf = dir.resolve("s3proxy.conf");
        Files.writeString(conf, String.join("\n",
                "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + IDENTITY,
                "s3proxy.credential=" + CREDENTIAL,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + data, ""));
        Process p = new ProcessBuilder("java", "-Xmx128m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "--properties", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
        S3Proxy proxy = new S3Proxy(p, endpoint);
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!p.isAlive()) throw new IllegalStateException("s3proxy exited: " + Files.readString(dir.resolve("s3proxy.log")));
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(address, port), 500);
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (RuntimeException e) {
            proxy.close();
            throw e;
        }
        return proxy;
    }

    private static S3Proxy shared;

    /**
     * One server for every test class of this JVM (its start costs seconds), on 127.0.65.5; stopped when the
     * JVM exits. Tests keep apart by bucket.
     */
    public static synchronized S3Proxy shared() throws IOException {
        if (shared == null) {
            shared = start(TestDirs.create("s3p"), "127.0.65.5");
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "s3proxy-stop"));
        }
        return shared;
    }

    /** Makes {@code bucket} on the server at {@code endpoint}, with the test credentials. */
    public static void createBucket(URI endpoint, String bucket) {
        try (S3Client c = S3Client.builder().region(Region.of("us-east-1")).endpointOverride(endpoint).forcePathStyle(true)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL)))
                .build()) {
            c.createBucket(b -> b.bucket(bucket));
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
