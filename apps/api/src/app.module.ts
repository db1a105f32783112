import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { AppConfig } from './config/app-config';
import { AnalyticsModule } from './analytics/analytics.module';
import { AppConfigModule } from './config/app-config.module';
import { AuditModule } from './audit/audit.module';
import { DealsModule } from './deals/deals.module';
import { HealthModule } from './health/health.module';
import { BodyPipe } from './http/body.pipe';
import { ETagInterceptor } from './http/etag.interceptor';
import { ProblemFilter } from './http/problem.filter';
import { LeadsModule } from './leads/leads.module';
import { ReadSideModule } from './read-side/read-side.module';
import { StorageModule } from './storage/storage.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        CqrsModule.forRoot(),
        StorageModule,
        ReadSideModule,
        LeadsModule,
        DealsModule,
        AnalyticsModule,
        AuditModule,
        HealthModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useClass: BodyPipe },
        { provide: APP_INTERCEPTOR, useClass: ETagInterceptor },
      ],
    };
  }
}
