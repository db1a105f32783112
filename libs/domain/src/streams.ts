/** Stream names follow EventStoreDB's category convention: the category is the part before the first dash. */
export const leadStream = (leadId: string): string => `lead-${leadId}`;
export const dealStream = (dealId: string): string => `deal-${dealId}`;
export const pipelineStream = (pipelineId: string): string => `pipeline-${pipelineId}`;
export const apiKeyStream = (keyId: string): string => `apikey-${keyId}`;

export const streamCategory = (streamId: string): string => {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
};
