package io.polyport.persistence;

import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.ServerAddress;
import com.mongodb.connection.ClusterId;
import com.mongodb.connection.ServerId;
import io.polyport.domain.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A database that stops answering for a while is UNAVAILABLE (retry), never INTERNAL. */
class MongoErrorsTest {
  private static final ServerAddress SERVER = new ServerAddress("127.0.0.1", 27017);

  @Test
  void aClearedPoolAndASocketTimeoutAreUnavailable() {
    var timeout = new MongoSocketReadTimeoutException("Timeout while receiving message", SERVER, null);
    var cleared = new MongoConnectionPoolClearedException(new ServerId(new ClusterId(), SERVER), timeout);

    assertThat(MongoErrors.translate(cleared)).isNotNull()
        .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    assertThat(MongoErrors.translate(timeout)).isNotNull()
        .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    assertThat(MongoErrors.translate(new IllegalArgumentException("a bug"))).as("anything else stays unknown").isNull();
  }
}
