import { get_protected_resource_metadata } from '#lib/actions/oauth/metadata';
import { webHandler } from '#lib/http/web-handler';
import { endpoints } from '#lib/operations';

export const handler = webHandler(endpoints.get_protected_resource_metadata, 'json', get_protected_resource_metadata);
