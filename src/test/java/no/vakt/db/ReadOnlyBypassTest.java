package no.vakt.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which global grants bypass read_only, per MariaDB version, as SHOW GRANTS prints them. */
class ReadOnlyBypassTest {
    static final String V10_11 = "10.11.19-MariaDB-0+deb12u1-log";
    static final String V10_6 = "10.6.18-MariaDB";

    @Test
    void allPrivilegesBypassesOnEveryVersion() {
        List<String> grants = List.of("GRANT ALL PRIVILEGES ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*AB'");
        assertThat(ReadOnlyBypass.bypassingPrivilege(grants, V10_11)).contains("ALL PRIVILEGES");
        assertThat(ReadOnlyBypass.bypassingPrivilege(grants, V10_6)).contains("ALL PRIVILEGES");
    }

    /** 10.11 prints it READ_ONLY ADMIN; GRANT takes READ ONLY ADMIN. */
    @Test
    void readOnlyAdminBypassesInEitherSpelling() {
        assertThat(ReadOnlyBypass.bypassingPrivilege(List.of("GRANT SELECT, INSERT, READ_ONLY ADMIN, SLAVE MONITOR ON *.* TO `a`@`h`"),
                V10_11)).contains("READ ONLY ADMIN");
        assertThat(ReadOnlyBypass.bypassingPrivilege(List.of("GRANT read only admin ON *.* TO `a`@`h`"), V10_11))
                .contains("READ ONLY ADMIN");
    }

    /** Verified on 10.11: an account with only SUPER is refused under read_only; before 10.11 SUPER implied the bypass. */
    @Test
    void superBypassesOnlyBefore10_11() {
        List<String> grants = List.of("GRANT SELECT, INSERT, SUPER ON *.* TO `ops`@`%`");
        assertThat(ReadOnlyBypass.bypassingPrivilege(grants, V10_11)).isEmpty();
        assertThat(ReadOnlyBypass.bypassingPrivilege(grants, V10_6)).contains("SUPER");
        assertThat(ReadOnlyBypass.superBypasses("10.10.7-MariaDB")).isTrue();
        assertThat(ReadOnlyBypass.superBypasses("11.4.2-MariaDB")).isFalse();
    }

    /** Only the global grant counts: ALL PRIVILEGES on one database gives no READ ONLY ADMIN. */
    @Test
    void databaseGrantsDoNotBypass() {
        List<String> grants = List.of("GRANT USAGE ON *.* TO `shop`@`%`", "GRANT ALL PRIVILEGES ON `shop`.* TO `shop`@`%`");
        assertThat(ReadOnlyBypass.bypassingPrivilege(grants, V10_11)).isEmpty();
    }
}
