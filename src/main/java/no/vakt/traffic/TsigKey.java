package no.vakt.traffic;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.vakt.config.SecretRef;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;

/**
 * Builds a TSIG signer from a secret reference. The secret is either a BIND key clause as
 * {@code tsig-keygen} writes it ({@code key "name" { algorithm hmac-sha256; secret "..."; };}), which
 * names the key and its algorithm itself, or the base64 secret alone, with the name from the config.
 * The secret is read at use, never kept in a field that could be printed.
 */
final class TsigKey {
    private static final Pattern CLAUSE = Pattern.compile(
            "key\\s+\"?([^\"\\s{]+)\"?\\s*\\{(.*?)\\}\\s*;?", Pattern.DOTALL);
    private static final Pattern ALGORITHM = Pattern.compile("algorithm\\s+\"?([A-Za-z0-9-]+)\"?\\s*;");
    private static final Pattern SECRET = Pattern.compile("secret\\s+\"([^\"]+)\"\\s*;");
    static final String DEFAULT_ALGORITHM = "hmac-sha256";

    private TsigKey() {}

    /** The key name and algorithm (no secret), for messages: "vakt-key (hmac-sha256)". */
    record Identity(String name, String algorithm) {
        @Override
        public String toString() {
            return "'" + name + "' (" + algorithm + ")";
        }
    }

    record Loaded(Identity identity, TSIG signer) {}

    static Loaded load(SecretRef ref, String configuredName, String configuredAlgorithm, String entry) throws TrafficException {
        String text;
        try {
            text = ref.resolve();
        } catch (SecretRef.SecretUnavailableException e) {
            throw new TrafficException(entry + ": TSIG key: " + e.getMessage(), false);
        }
        String name = configuredName;
        String algorithm = configuredAlgorithm;
        String secret = text.trim();
        Matcher clause = CLAUSE.matcher(text);
        if (clause.find()) {
            if (name == null) name = clause.group(1);
            Matcher a = ALGORITHM.matcher(clause.group(2));
            if (algorithm == null && a.find()) algorithm = a.group(1);
            Matcher s = SECRET.matcher(clause.group(2));
            if (!s.find()) throw new TrafficException(entry + ": TSIG key file " + ref + " has a key clause without a secret", false);
            secret = s.group(1);
        }
        if (name == null) {
            throw new TrafficException(entry + ": the TSIG secret in " + ref + " is bare; give key-name: (or use the key"
                    + " clause tsig-keygen writes)", false);
        }
        if (algorithm == null) algorithm = DEFAULT_ALGORITHM;
        Identity id = new Identity(name, algorithm);
        try {
            Name algorithmName = TSIG.algorithmToName(algorithm);
            return new Loaded(id, new TSIG(algorithmName, Name.fromString(name, Name.root), secret));
        } catch (TextParseException e) {
            throw new TrafficException(entry + ": TSIG key name " + id + " is not a valid DNS name", false);
        } catch (IllegalArgumentException e) {
            // Never echo the secret: say what is wrong with it, not what it is.
            throw new TrafficException(entry + ": TSIG key " + id + " in " + ref
                    + " is unusable (unknown algorithm, or the secret is not base64)", false);
        }
    }
}
