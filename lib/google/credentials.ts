/** The signed-in user's Google credentials for one request. Never stored, never logged. */
export interface GoogleCredentials {
  accessToken: string;
  /** Only from the original API's body credentials; ChatGPT refreshes tokens itself. */
  refreshToken?: string;
}
