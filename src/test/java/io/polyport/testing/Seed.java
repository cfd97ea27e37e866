package io.polyport.testing;

import io.grpc.stub.StreamObserver;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.ImportUsersResponse;

import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** Stores many users quickly through the ImportUsers client stream (grpc-java). */
public final class Seed {
  private Seed() {
  }

  public static ImportUsersResponse users(TestApp app, int count, IntFunction<CreateUserRequest> user) {
    CompletableFuture<ImportUsersResponse> done = new CompletableFuture<>();
    StreamObserver<CreateUserRequest> requests = app.async().importUsers(new StreamObserver<>() {
      public void onNext(ImportUsersResponse value) {
        done.complete(value);
      }

      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      public void onCompleted() {
      }
    });
    for (int i = 0; i < count; i++) {
      requests.onNext(user.apply(i));
    }
    requests.onCompleted();
    ImportUsersResponse response = done.join();
    assertThat(response.getFailed()).as("seed failures: %s", response.getErrorsList()).isZero();
    return response;
  }
}
