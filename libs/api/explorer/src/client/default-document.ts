/** The first tab an agent sees: how to sign in, then watch the queue. Lines kept short: the editor is half the window. */
export const DEFAULT_QUERY = `# Parley agents' console
#
# 1. Put your email and password in SignIn
#    and run it: pick it from the play
#    button, or Ctrl+Enter with the cursor
#    inside it.
# 2. Press the key button on the right to
#    use the token, or write it in Headers:
#    { "Authorization": "Bearer <token>" }
# 3. Run Queue for the chats waiting now,
#    WatchChats to see chats arrive and
#    change live (press play again to stop).

mutation SignIn {
  login(input: {
    email: "agent@example.com"
    password: ""
  }) {
    token
    expiresAt
    refreshToken
    user {
      displayName
      role
    }
  }
}

query Queue {
  queue {
    id
    subject
    createdAt
    customer {
      displayName
    }
    lastMessage {
      body
    }
  }
}

subscription WatchChats {
  chatUpdated {
    id
    status
    subject
    agent {
      displayName
    }
    updatedAt
  }
}
`;
