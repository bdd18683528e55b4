package no.vakt.coordination;

import no.vakt.config.CoordinationConfig;
import org.apache.curator.RetryPolicy;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;

/**
 * The Curator client of a {@code coordination:} section: its ensemble, chroot, timeouts, and TLS/SASL
 * ({@link ZooKeeperClientConfig}). Not started.
 */
final class Curators {
    private Curators() {}

    static CuratorFramework client(CoordinationConfig config) {
        return CuratorFrameworkFactory.builder()
                .connectString(config.zookeeper())
                .namespace(config.chroot().substring(1))
                .sessionTimeoutMs(Math.toIntExact(config.sessionTimeout().toMillis()))
                .connectionTimeoutMs(Math.toIntExact(config.connectionTimeout().toMillis()))
                .retryPolicy(retries())
                .zkClientConfig(ZooKeeperClientConfig.of(config))
                .build();
    }

    /** A few quick attempts: a caller waits at most about attempts x (connection timeout + 1 s). */
    static RetryPolicy retries() {
        return new BoundedExponentialBackoffRetry(100, 1000, 3);
    }
}
