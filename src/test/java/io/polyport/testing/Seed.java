package io.polyport.testing;

import io.grpc.stub.StreamObserver;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.ImportUsersResponse;
import io.polyport.users.v1.ListUsersRequest;
import io.polyport.users.v1.UserServiceGrpc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** Stores many users quickly through the ImportUsers client stream (grpc-java), and reads back what is stored. */
public final class Seed {
  private Seed() {
  }

  public static ImportUsersResponse users(TestApp app, int count, IntFunction<CreateUserRequest> user) {
    List<CreateUserRequest> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      records.add(user.apply(i));
    }
    ImportUsersResponse response = importAll(app, records);
    assertThat(response.getFailed()).as("seed failures: %s", response.getErrorsList()).isZero();
    return response;
  }

  /** The names of the stored users carrying {@code tag}, in id order (ListUsers). */
  public static List<String> namesTagged(TestApp app, String tag) {
    List<String> names = new ArrayList<>();
    app.blocking().listUsers(ListUsersRequest.newBuilder().setTag(tag).build()).forEachRemaining(u -> names.add(u.getName()));
    return names;
  }

  /** One ImportUsers call with these records; a non-OK status is thrown as the StatusRuntimeException. */
  public static ImportUsersResponse importAll(TestApp app, List<CreateUserRequest> records) {
    return importAll(app.async(), records);
  }

  /** The same through {@code stub} (e.g. one that compresses its messages). */
  public static ImportUsersResponse importAll(UserServiceGrpc.UserServiceStub stub, List<CreateUserRequest> records) {
    CompletableFuture<ImportUsersResponse> done = new CompletableFuture<>();
    StreamObserver<CreateUserRequest> requests = stub.importUsers(new StreamObserver<>() {
      public void onNext(ImportUsersResponse value) {
        done.complete(value);
      }

      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      public void onCompleted() {
      }
    });
    records.forEach(requests::onNext);
    requests.onCompleted();
    try {
      return done.join();
    } catch (CompletionException e) {
      throw (RuntimeException) e.getCause();
    }
  }
}
