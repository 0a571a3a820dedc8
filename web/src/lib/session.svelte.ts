// Who is signed in, as the layout read it once (GraphQL currentUser): pages ask it whether to offer
// administrator actions. The server decides anyway (app_hidden.current_user_role()).
export const session = $state<{ displayName: string | null; role: string | null }>({ displayName: null, role: null });
