import type { Entity } from '../fields.ts';
import type { EntityImporter } from './common.ts';
import { customersImporter } from './customers.ts';
import { eventsImporter } from './events.ts';
import { feedbackImporter } from './feedback.ts';
import { ordersImporter } from './orders.ts';

export const IMPORTERS: Record<Entity, EntityImporter<any, any, any>> = {
  customers: customersImporter,
  orders: ordersImporter,
  events: eventsImporter,
  feedback: feedbackImporter,
};
