package no.vakt.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The config's {@code backup:} section (docs/backup.md).
 *
 * <pre>
 * backup:
 *   repository:
 *     type: local                 # a directory on this host; ssh and s3 are not built yet
 *     path: /var/backups/vakt
 *     country: NO                 # where the copies live: checked against policy.jurisdictions
 *   schedule: "0 2 * * *"         # vakt run takes a base backup then, and prunes
 *   retention: {keep: 7, days: 14}
 *   compression: gzip             # or none
 *   timeout: 1h                   # one mariadb-backup run, one prepare, one restore step
 * </pre>
 */
public record BackupConfig(Repository repository, String schedule, Retention retention, Compression compression,
        Duration timeout) {
    /** Without the section: no repository, nothing to take or archive. */
    public static final BackupConfig NONE = new BackupConfig(null, null, null, null, null);

    public BackupConfig {
        retention = retention != null ? retention : Retention.DEFAULT;
        compression = compression != null ? compression : Compression.GZIP;
        timeout = timeout != null ? timeout : Duration.ofHours(1);
    }

    public boolean configured() {
        return repository != null;
    }

    /** Where backups and the binlog archive go; only {@code local} exists so far. */
    public record Repository(RepositoryType type, Path path, String country) {
        public Repository {
            type = type != null ? type : RepositoryType.LOCAL;
        }
    }

    public enum RepositoryType {
        @JsonProperty("local") LOCAL,
        @JsonProperty("ssh") SSH,
        @JsonProperty("s3") S3
    }

    /** Base backups kept: at least {@code keep} of them, and any younger than {@code days}. */
    public record Retention(Integer keep, Integer days) {
        static final Retention DEFAULT = new Retention(null, null);

        public Retention {
            keep = keep != null ? keep : 7;
            days = days != null ? days : 14;
        }
    }

    public enum Compression {
        @JsonProperty("gzip") GZIP,
        @JsonProperty("none") NONE
    }
}
