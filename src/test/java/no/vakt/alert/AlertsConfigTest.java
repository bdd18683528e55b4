package no.vakt.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import no.vakt.cluster.Severity;
import no.vakt.config.AlertsConfig;
import no.vakt.config.CommandChannelConfig;
import no.vakt.config.ConfigException;
import no.vakt.config.ConfigLoader;
import no.vakt.config.ConfigProblem;
import no.vakt.config.EmailChannelConfig;
import no.vakt.config.SlackChannelConfig;
import no.vakt.config.VaktConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertsConfigTest {
    static final String BASE = """
            cluster: shop
            sites:
              - name: oslo
                country: NO
                nodes:
                  - name: oslo-db
                    role: primary
                    mysql: {host: 127.0.10.1, user: vakt, password-env: PW}
              - name: bergen
                country: NO
                nodes:
                  - name: bergen-db
                    role: standby
                    mysql: {host: 127.0.20.1, user: vakt, password-env: PW}
            replication: {user: repl, password-env: REPL_PW, databases: [shop]}
            """;

    @TempDir
    Path dir;

    private VaktConfig load(String alerts) throws Exception {
        Path f = dir.resolve("vakt.yml");
        Files.writeString(f, BASE + alerts);
        return ConfigLoader.load(f);
    }

    private ConfigProblem problem(String alerts) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(alerts));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        assertThat(e.problems()).hasSize(1);
        return e.problems().get(0);
    }

    @Test
    void theLabTemplatesEmptyListAndAMissingSectionMeanNoChannels() throws Exception {
        assertThat(load("alerts: []\n").alerts().channels()).isEmpty();
        AlertsConfig none = load("").alerts();
        assertThat(none.channels()).isEmpty();
        assertThat(none.groupWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(none.maxAttempts()).isEqualTo(5);
    }

    @Test
    void aListOfEveryChannelTypeWithRelativeSecretFilesFromTheConfigDirectory() throws Exception {
        AlertsConfig a = load("""
                alerts:
                  - type: slack
                    webhook-url-file: secrets/slack.url
                    min-severity: warning
                  - type: webhook
                    name: pager
                    url: https://hooks.example.no/vakt
                    secret-env: VAKT_HOOK_KEY
                  - type: email
                    host: smtp.example.no
                    username: vakt
                    password-file: /etc/vakt/smtp.pw
                    from: vakt@example.no
                    to: [ops@example.no, dba@example.no]
                  - type: command
                    program: /usr/local/bin/sms
                    args: [--to, "+4799999999", "{text}"]
                    timeout: 5s
                """).alerts();
        assertThat(a.channels()).hasSize(4);
        SlackChannelConfig slack = (SlackChannelConfig) a.channels().get(0);
        assertThat(slack.url().file()).isEqualTo(dir.resolve("secrets/slack.url"));
        assertThat(slack.minSeverity()).isEqualTo(Severity.WARNING);
        assertThat(a.nameOf(0)).isEqualTo("slack-1");
        assertThat(a.nameOf(1)).isEqualTo("pager");
        EmailChannelConfig mail = (EmailChannelConfig) a.channels().get(2);
        assertThat(mail.port()).isEqualTo(587);
        assertThat(mail.starttls()).isEqualTo(EmailChannelConfig.StartTls.REQUIRED);
        assertThat(mail.to()).containsExactly("ops@example.no", "dba@example.no");
        CommandChannelConfig cmd = (CommandChannelConfig) a.channels().get(3);
        assertThat(cmd.args()).containsExactly("--to", "+4799999999", "{text}");
        assertThat(cmd.timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theMappingFormCarriesTheApproveUrlAndDeliverySettings() throws Exception {
        AlertsConfig a = load("""
                alerts:
                  approve-url: https://vakt.example.no/#approve
                  group-window: 2m
                  max-attempts: 3
                  channels:
                    - type: command
                      program: logger
                """).alerts();
        assertThat(a.approveUrl()).hasToString("https://vakt.example.no/#approve");
        assertThat(a.groupWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(a.maxAttempts()).isEqualTo(3);
        assertThat(a.channels()).singleElement().isInstanceOf(CommandChannelConfig.class);
    }

    @Test
    void anInlineSecretIsRefusedWithoutEchoingIt() {
        ConfigProblem p = problem("""
                alerts:
                  - type: slack
                    webhook-url: https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX
                """);
        assertThat(p.field()).isEqualTo("alerts[0]");
        assertThat(p.line()).isEqualTo(BASE.lines().count() + 2);
        assertThat(p.message()).contains("webhook-url-file").doesNotContain("XXXXSECRETXXXX");
        assertThat(p.toString()).doesNotContain("XXXXSECRETXXXX");
    }

    @Test
    void badChannelsNameTheFieldAndWhatWasExpected() {
        assertThat(problem("alerts:\n  - type: sms\n    to: x\n").message()).contains("sms").contains("slack");
        assertThat(problem("alerts:\n  - type: email\n    host: smtp.example.no\n    from: vakt@example.no\n").message())
                .contains("to:");
        assertThat(problem("alerts:\n  - type: email\n    host: h\n    from: a@b\n    to: [x]\n    starttls: maybe\n")
                .message()).contains("required, optional, off");
        assertThat(problem("alerts:\n  - type: webhook\n    url: ftp://x/\n    secret-env: K\n").message())
                .contains("http(s) URL");
        assertThat(problem("alerts:\n  - type: webhook\n    url: https://x/\n").message()).contains("secret-file");
        ConfigProblem unknown = problem("alerts:\n  - type: command\n    program: sms\n    shell: true\n");
        assertThat(unknown.field()).isEqualTo("alerts[0].shell");
        assertThat(unknown.message()).contains("args");
        assertThat(problem("alerts:\n  - type: command\n    program: sms\n    min-severity: urgent\n").message())
                .contains("info, warning, critical");
    }
}
