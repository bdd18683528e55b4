package no.vakt.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertRulesTest {
    private static final String BASE = """
            cluster: shop
            policy: {failover: manual}
            sites:
              - name: oslo
                country: NO
                nodes:
                  - {name: oslo-db, role: primary, mysql: {host: 127.0.10.1, user: vakt, password-env: PW}}
              - name: bergen
                country: NO
                nodes:
                  - {name: bergen-db, role: standby, mysql: {host: 127.0.20.1, user: vakt, password-env: PW}}
            replication: {user: repl, password-env: REPL_PW, databases: [shop]}
            """;

    @TempDir
    Path dir;

    private VaktConfig config(String alerts) throws Exception {
        Path f = dir.resolve("vakt.yml");
        Files.writeString(f, BASE + alerts);
        return ConfigLoader.load(f);
    }

    @Test
    void noChannelsIsAWarning() throws Exception {
        List<Finding> f = AlertRules.channels(config("alerts: []\n"), null);
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.id()).isEqualTo("alert-channels");
            assertThat(x.severity()).isEqualTo(Severity.WARNING);
        });
    }

    @Test
    void namesTheChannelsAndWarnsAboutCleartextAndTheMissingApproveLink() throws Exception {
        List<Finding> f = AlertRules.channels(config("""
                alerts:
                  - type: email
                    host: smtp.example.no
                    starttls: optional
                    username: vakt
                    password-env: SMTP_PW
                    from: vakt@example.no
                    to: [ops@example.no]
                  - type: webhook
                    url: http://hooks.example.no/vakt
                    secret-env: HOOK_KEY
                    min-severity: critical
                """), null);
        assertThat(f).extracting(Finding::id).containsExactly("alert-email-tls", "alert-webhook-tls", "alert-channels",
                "alert-approve-url");
        assertThat(f.get(2).message()).isEqualTo("alerts go to email-1 (email), webhook-2 (webhook, CRITICAL+)");
    }

    @Test
    void channelSecretsAreCheckedWithTheOtherSecrets() throws Exception {
        VaktConfig c = config("""
                alerts:
                  approve-url: https://vakt.example.no/
                  channels:
                    - type: slack
                      webhook-url-file: missing/slack.url
                """);
        List<SecretObservation> s = PreflightProbe.secrets(c);
        SecretObservation slack = s.stream().filter(x -> x.purpose().startsWith("Slack webhook URL")).findFirst().orElseThrow();
        assertThat(slack.purpose()).contains("of alert channel slack-1");
        assertThat(slack.unreadable()).contains("missing/slack.url");
        assertThat(AlertRules.channels(c, null)).extracting(Finding::id).containsExactly("alert-channels");
    }
}
