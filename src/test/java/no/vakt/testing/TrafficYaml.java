package no.vakt.testing;

/** Puts an RFC 2136 traffic entry in place of a test config's {@code traffic: []}. */
public final class TrafficYaml {
    private TrafficYaml() {
    }

    /**
     * @param keyFile the TSIG key file, relative to the config's directory
     * @param extra further settings of the entry, e.g. {@code "verify-timeout: 3s"}
     */
    public static String rfc2136(String yaml, String zone, int port, String keyFile, String... extra) {
        StringBuilder entry = new StringBuilder("traffic:\n  - type: rfc2136\n    zone: " + zone + "\n    record: app\n"
                + "    ttl: 5s\n    server: 127.0.0.1:" + port + "\n    key-file: " + keyFile + "\n");
        for (String line : extra) entry.append("    ").append(line).append('\n');
        if (!yaml.contains("traffic: []\n")) throw new IllegalArgumentException("the config has no 'traffic: []' to replace");
        return yaml.replace("traffic: []\n", entry.toString());
    }
}
