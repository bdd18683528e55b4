package no.vakt.config;

import java.util.regex.Pattern;

/** The keys each repository type needs, and only those: a key of another type is a mistake worth naming. */
final class BackupRepositoryValidator {
    /** S3's own bucket naming rules, kept simple. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final String F = "backup.repository.";

    private BackupRepositoryValidator() {}

    static void validate(BackupConfig.Repository r, ConfigLoader.Problems p) {
        switch (r.type()) {
            case LOCAL -> {
                if (r.path() == null) p.add(F + "path", "expected the repository's directory");
                foreign(r.host() != null, "host", "local", p);
                foreign(r.bucket() != null, "bucket", "local", p);
            }
            case SSH -> {
                if (r.host() == null || r.host().isBlank()) p.add(F + "host", "expected the ssh host that keeps the repository");
                if (r.path() == null) p.add(F + "path", "expected the repository's absolute directory on the ssh host");
                if (r.port() != null && (r.port() < 1 || r.port() > 65535)) p.add(F + "port", "expected a port between 1 and 65535");
                foreign(r.bucket() != null, "bucket", "ssh", p);
            }
            case S3 -> {
                if (r.bucket() == null || !BUCKET.matcher(r.bucket()).matches()) {
                    p.add(F + "bucket", "expected a bucket name (3 to 63 lower-case letters, digits, '.', '-')");
                }
                if (r.region() == null || r.region().isBlank()) p.add(F + "region", "expected the bucket's region (for example eu-north-1)");
                if (r.prefix().startsWith("/") || r.prefix().contains("..")) {
                    p.add(F + "prefix", "expected a key prefix like vakt/shop (no leading '/', no '..')");
                }
                if (r.endpoint() != null && !("http".equals(r.endpoint().getScheme()) || "https".equals(r.endpoint().getScheme()))) {
                    p.add(F + "endpoint", "expected an http:// or https:// URL");
                }
                foreign(r.path() != null, "path", "s3 (give prefix)", p);
                foreign(r.host() != null, "host", "s3 (give endpoint)", p);
            }
        }
    }

    private static void foreign(boolean present, String key, String type, ConfigLoader.Problems p) {
        if (present) p.add(F + key, "not a key of a " + type + " repository");
    }
}
