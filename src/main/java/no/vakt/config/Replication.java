package no.vakt.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The replication channel from the primary to the standby. */
public record Replication(
        String user,
        Path passwordFile,
        String passwordEnv,
        PlainSecret password,
        Tls tls,
        List<String> databases,
        Boolean semiSync,
        Duration semiSyncTimeout,
        Duration heartbeatInterval) {

    public Replication {
        tls = tls != null ? tls : Tls.OFF;
        databases = databases != null ? List.copyOf(databases) : List.of();
        semiSync = semiSync != null && semiSync;
        semiSyncTimeout = semiSyncTimeout != null ? semiSyncTimeout : Duration.ofSeconds(1);
        heartbeatInterval = heartbeatInterval != null ? heartbeatInterval : Duration.ofMillis(250);
    }

    public SecretRef secret() {
        return passwordFile != null ? SecretRef.ofFile(passwordFile) : SecretRef.ofEnv(passwordEnv);
    }
}
