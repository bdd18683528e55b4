package no.vakt.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoopbackHostTest {

    @Test
    void loopbackLiteralsAreRecognised() {
        assertThat(LoopbackHost.is("localhost")).isTrue();
        assertThat(LoopbackHost.is("LocalHost")).isTrue();
        assertThat(LoopbackHost.is("::1")).isTrue();
        assertThat(LoopbackHost.is("[::1]")).isTrue();
        assertThat(LoopbackHost.is("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(LoopbackHost.is("127.0.45.3")).isTrue();
        assertThat(LoopbackHost.is("127.255.0.1")).isTrue();
    }

    @Test
    void anythingElseCountsAsReachableFromElsewhere() {
        assertThat(LoopbackHost.is(null)).isFalse();
        assertThat(LoopbackHost.is("128.0.0.1")).isFalse();
        assertThat(LoopbackHost.is("vakt.example")).isFalse();
        assertThat(LoopbackHost.is("db.127.example")).isFalse();
        // the old alert rule took any "127." prefix; a host name like this one is not loopback
        assertThat(LoopbackHost.is("127.example.net")).isFalse();
    }
}
