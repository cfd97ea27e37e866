package io.polyport.api;

import com.google.protobuf.Timestamp;
import io.polyport.domain.ImportError;
import io.polyport.domain.ImportResult;
import io.polyport.domain.NewUser;
import io.polyport.domain.ServiceException;
import io.polyport.domain.User;
import io.polyport.domain.UserField;
import io.polyport.domain.UserPatch;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.ImportUsersResponse;
import io.polyport.users.v1.UpdateUserRequest;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * The contract's messages to and from the domain, shared by both adapters: the gRPC adapter sends these
 * messages, the REST adapter prints the same messages as proto3 JSON, so both answer the same thing.
 */
public final class UserProtos {
  private static final Set<String> IMMUTABLE = Set.of("id", "create_time", "update_time", "version");

  private UserProtos() {
  }

  public static io.polyport.users.v1.User toProto(User u) {
    var b = io.polyport.users.v1.User.newBuilder()
        .setId(u.id())
        .setName(u.name())
        .setEmail(u.email())
        .addAllTags(u.tags())
        .setCreateTime(timestamp(u.createTime()))
        .setUpdateTime(timestamp(u.updateTime()))
        .setVersion(u.version());
    if (u.age() != null) {
      b.setAge(u.age());
    }
    return b.build();
  }

  public static NewUser fromProto(CreateUserRequest r) {
    return new NewUser(r.getName(), r.getEmail(), r.hasAge() ? r.getAge() : null, r.getTagsList());
  }

  /**
   * The update as a domain patch. An empty mask means the mutable fields set in {@code user}; a mask path
   * naming an unknown or immutable field is INVALID_ARGUMENT.
   */
  public static UserPatch fromProto(UpdateUserRequest r) {
    var user = r.getUser();
    EnumSet<UserField> mask = EnumSet.noneOf(UserField.class);
    if (r.getUpdateMask().getPathsCount() == 0) {
      if (!user.getName().isEmpty()) {
        mask.add(UserField.NAME);
      }
      if (!user.getEmail().isEmpty()) {
        mask.add(UserField.EMAIL);
      }
      if (user.hasAge()) {
        mask.add(UserField.AGE);
      }
      if (user.getTagsCount() > 0) {
        mask.add(UserField.TAGS);
      }
    } else {
      for (String path : r.getUpdateMask().getPathsList()) {
        if (IMMUTABLE.contains(path)) {
          throw ServiceException.invalid("update_mask names immutable field '" + path + "'");
        }
        mask.add(UserField.byFieldName(path).orElseThrow(
            () -> ServiceException.invalid("update_mask names unknown field '" + path + "'")));
      }
    }
    return new UserPatch(user.getId(), user.getVersion(), mask, user.getName(), user.getEmail(),
        user.hasAge() ? user.getAge() : null, user.getTagsList());
  }

  public static ImportUsersResponse toProto(ImportResult r) {
    var b = ImportUsersResponse.newBuilder().setCreated(r.created()).setFailed(r.failed());
    for (ImportError e : r.errors()) {
      b.addErrorsBuilder().setIndex(e.index()).setCode(e.code().code()).setMessage(e.message());
    }
    return b.build();
  }

  public static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
