package io.polyport.persistence;

import io.polyport.domain.NewUser;
import io.polyport.domain.User;
import io.polyport.domain.UserField;
import io.polyport.domain.UserPatch;
import org.bson.Document;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Users as MongoDB documents:
 * {@code {_id: ObjectId, name, email, age?, tags, createTime: Date, updateTime: Date, version}}, read and
 * written as users by {@link UserCodecs}; here the updates and the result of a patch.
 * Field names are constants here only; values are plain data, never operators from a client.
 */
final class UserDocuments {
  static final String ID = "_id";
  static final String NAME = "name";
  static final String EMAIL = "email";
  static final String AGE = "age";
  static final String TAGS = "tags";
  static final String CREATE_TIME = "createTime";
  static final String UPDATE_TIME = "updateTime";
  static final String VERSION = "version";

  private UserDocuments() {
  }

  /** The $set/$unset/$inc update of a patch (the mask decides which fields). */
  static Document change(UserPatch patch, Instant now) {
    var set = new Document(UPDATE_TIME, Date.from(now));
    var unset = new Document();
    for (UserField field : patch.mask()) {
      switch (field) {
        case NAME -> set.append(NAME, patch.name());
        case EMAIL -> set.append(EMAIL, patch.email());
        case TAGS -> set.append(TAGS, new ArrayList<>(patch.tags()));
        case AGE -> {
          if (patch.age() == null) {
            unset.append(AGE, "");
          } else {
            set.append(AGE, patch.age());
          }
        }
      }
    }
    var change = new Document("$set", set).append("$inc", new Document(VERSION, 1));
    if (!unset.isEmpty()) {
      change.append("$unset", unset);
    }
    return change;
  }

  /** The user after {@code patch} was applied to {@code current} at {@code now}. */
  static User applied(User current, UserPatch patch, Instant now) {
    var mask = patch.mask();
    return new User(current.id(),
        mask.contains(UserField.NAME) ? patch.name() : current.name(),
        mask.contains(UserField.EMAIL) ? patch.email() : current.email(),
        mask.contains(UserField.AGE) ? patch.age() : current.age(),
        mask.contains(UserField.TAGS) ? patch.tags() : current.tags(),
        current.createTime(), now, current.version() + 1);
  }

  /** A deleted user known only by its document key. */
  static User deletedOnly(org.bson.BsonDocument key) {
    String id = key == null || !key.containsKey(ID) ? ""
        : key.get(ID).isObjectId() ? key.getObjectId(ID).getValue().toHexString() : key.get(ID).toString();
    return new User(id, "", "", null, List.of(), Instant.EPOCH, Instant.EPOCH, 0);
  }
}
