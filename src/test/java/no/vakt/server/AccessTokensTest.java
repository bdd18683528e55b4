package no.vakt.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import no.vakt.config.SecretRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two tokens: the read token lets other machines read, only the admin token acts; the verdict names which one. */
class AccessTokensTest {
    @TempDir
    Path dir;

    @Test
    void eitherTokenReadsFromElsewhereOnlyTheAdminTokenWrites() throws Exception {
        Path admin = Files.writeString(dir.resolve("admin"), "adm1n\n");
        Path read = Files.writeString(dir.resolve("read"), "r3ad\n");
        Access access = new Access(Optional.of(SecretRef.ofFile(admin)), Optional.of(SecretRef.ofFile(read)), "127.0.0.1");
        InetAddress remote = InetAddress.getByName("192.0.2.10"); // documentation address: never contacted
        InetAddress local = InetAddress.getByName("127.0.0.1");

        assertThat(access.readVerdict(remote, "vakt.example", "Bearer r3ad")).isEqualTo(Access.Verdict.allowed(Access.TokenRole.READ));
        assertThat(access.readVerdict(remote, "vakt.example", "Bearer adm1n")).isEqualTo(Access.Verdict.allowed(Access.TokenRole.ADMIN));
        assertThat(access.readVerdict(local, "localhost", null)).isEqualTo(Access.Verdict.allowed(Access.TokenRole.NONE));
        assertThat(access.read(remote, "vakt.example", null)).map(Access.Denial::status).contains(401);
        assertThat(access.read(remote, "vakt.example", null)).map(Access.Denial::message).get().asString()
                .contains("the read or the admin token");
        assertThat(access.read(remote, "vakt.example", "Bearer wrong")).map(Access.Denial::status).contains(403);
        assertThat(access.read(local, "localhost", "Bearer wrong")).as("a wrong token is refused even locally")
                .map(Access.Denial::status).contains(403);

        assertThat(access.write("Bearer adm1n")).isEmpty();
        assertThat(access.write("Bearer r3ad")).map(Access.Denial::error).contains("read_only_token");
        assertThat(access.write("Bearer wrong")).map(Access.Denial::error).contains("invalid_token");
    }

    @Test
    void aReadTokenAloneOpensReadsButNoWrites() throws Exception {
        Path read = Files.writeString(dir.resolve("read"), "r3ad\n");
        Access access = new Access(Optional.empty(), Optional.of(SecretRef.ofFile(read)), "127.0.0.1");
        InetAddress remote = InetAddress.getByName("192.0.2.10");

        assertThat(access.readVerdict(remote, "vakt.example", "Bearer r3ad")).isEqualTo(Access.Verdict.allowed(Access.TokenRole.READ));
        assertThat(access.read(remote, "vakt.example", "Bearer x")).map(Access.Denial::status).contains(403);
        assertThat(access.write("Bearer r3ad")).map(Access.Denial::error).contains("writes_disabled");
    }

    @Test
    void anUnreadableAdminTokenStillLetsTheReadTokenRead() throws Exception {
        Path read = Files.writeString(dir.resolve("read"), "r3ad\n");
        Access access = new Access(Optional.of(SecretRef.ofFile(dir.resolve("absent"))), Optional.of(SecretRef.ofFile(read)),
                "127.0.0.1");
        InetAddress remote = InetAddress.getByName("192.0.2.10");

        assertThat(access.read(remote, "vakt.example", "Bearer r3ad")).isEmpty();
        assertThat(access.write("Bearer r3ad")).map(Access.Denial::status).contains(503);
    }
}
