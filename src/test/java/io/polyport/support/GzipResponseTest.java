package io.polyport.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which Accept-Encoding values let an HTTP/2 answer be gzipped (the answers themselves: LimitsTest). */
class GzipResponseTest {
  @Test
  void gzipIsAcceptedByNameOrWildcardUnlessItsQualityIsZero() {
    assertThat(GzipResponse.acceptsGzip("gzip")).isTrue();
    assertThat(GzipResponse.acceptsGzip("gzip, deflate, br")).isTrue();
    assertThat(GzipResponse.acceptsGzip("br;q=1.0, GZIP;q=0.5")).isTrue();
    assertThat(GzipResponse.acceptsGzip("x-gzip")).isTrue();
    assertThat(GzipResponse.acceptsGzip("*")).isTrue();
    assertThat(GzipResponse.acceptsGzip(null)).isFalse();
    assertThat(GzipResponse.acceptsGzip("")).isFalse();
    assertThat(GzipResponse.acceptsGzip("identity")).isFalse();
    assertThat(GzipResponse.acceptsGzip("deflate, br")).isFalse();
    assertThat(GzipResponse.acceptsGzip("gzip;q=0")).isFalse();
    assertThat(GzipResponse.acceptsGzip("gzip; q=0.000")).isFalse();
    assertThat(GzipResponse.acceptsGzip("gzip;q=oops")).isFalse();
    // named and refused: * does not bring it back
    assertThat(GzipResponse.acceptsGzip("gzip;q=0, *")).isFalse();
    assertThat(GzipResponse.acceptsGzip("br, *;q=0")).isFalse();
    // two header fields, joined as the front door joins them
    assertThat(GzipResponse.acceptsGzip(String.join(",", java.util.List.of("br", "gzip")))).isTrue();
  }
}
