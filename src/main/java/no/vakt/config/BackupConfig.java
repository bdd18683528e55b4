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
 *     type: local                 # a directory on this host; or ssh (host, user, port, identity-file,
 *     path: /var/backups/vakt     #   known-hosts-file) or s3 (bucket, prefix, region, endpoint, credentials-file)
 *     country: NO                 # where the copies live: checked against policy.jurisdictions
 *   encryption: {passphrase-file: /etc/vakt/backup.pass}   # optional: OpenPGP, plain gpg decrypts it
 *   schedule: "0 2 * * *"         # vakt run takes a base backup then, and prunes
 *   retention: {keep: 7, days: 14}
 *   compression: zstd             # or gzip (slower; older backups are gzip), none
 *   timeout: 1h                   # one mariadb-backup run, one prepare, one restore step
 * </pre>
 */
public record BackupConfig(Repository repository, String schedule, Retention retention, Compression compression,
        Duration timeout, Encryption encryption) {
    /** Without the section: no repository, nothing to take or archive. */
    public static final BackupConfig NONE = new BackupConfig(null, null, null, null, null, null);

    public BackupConfig(Repository repository, String schedule, Retention retention, Compression compression, Duration timeout) {
        this(repository, schedule, retention, compression, timeout, null);
    }

    public BackupConfig {
        retention = retention != null ? retention : Retention.DEFAULT;
        compression = compression != null ? compression : Compression.ZSTD;
        timeout = timeout != null ? timeout : Duration.ofHours(1);
    }

    public boolean configured() {
        return repository != null;
    }

    /**
     * Where backups and the binlog archive go. {@code path} is the directory (local, or on the ssh host); the
     * ssh keys are those of {@code files.ssh}; the s3 keys name a bucket, an optional key prefix, the region, an
     * endpoint for S3-compatible storage (path-style addressing then, unless {@code path-style: false}) and a
     * credentials file in the AWS format (else the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY variables).
     */
    public record Repository(RepositoryType type, Path path, String country, String host, Integer port, String user,
            Path identityFile, Path knownHostsFile, String bucket, String prefix, String region, java.net.URI endpoint,
            Path credentialsFile, String profile, Boolean pathStyle) {
        public Repository {
            type = type != null ? type : RepositoryType.LOCAL;
            prefix = prefix != null ? prefix : "";
            profile = profile != null ? profile : "default";
            pathStyle = pathStyle != null ? pathStyle : endpoint != null;
        }

        public Repository(RepositoryType type, Path path, String country) {
            this(type, path, country, null, null, null, null, null, null, null, null, null, null, null, null);
        }
    }

    /** Backups encrypted with OpenPGP (symmetric, AES-256) under the first line of this file. */
    public record Encryption(Path passphraseFile) {}

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

    /** zstd by default: with a worker per core it keeps up with mariadb-backup, where gzip's one thread did not (issue 17). */
    public enum Compression {
        @JsonProperty("zstd") ZSTD,
        @JsonProperty("gzip") GZIP,
        @JsonProperty("none") NONE
    }
}
