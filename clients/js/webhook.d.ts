/** Whether a webhook request came from Herald, unaltered, within `toleranceSeconds` (300) of now. */
export function verifyWebhook(secret: string, header: string | undefined, body: Buffer | string,
  toleranceSeconds?: number): boolean;
