import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { type AppConfig, AppConfigModule, ReadSideModule, StorageModule } from '@app/application';
import { AccessGuard } from './access/access.guard';
import { AdminModule } from './admin/admin.module';
import { AnalyticsModule } from './analytics/analytics.module';
import { AuditModule } from './audit/audit.module';
import { BoardModule } from './board/board.module';
import { DealsModule } from './deals/deals.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { InteractionsModule } from './interactions/interactions.module';
import { BodyPipe } from './http/body.pipe';
import { ProblemFilter } from './http/problem.filter';
import { ReadGateModule } from './read-side/read-gate';
import { LeadsModule } from './leads/leads.module';
import { ObservabilityModule } from './observability/observability.module';
import { PersonalDataModule } from './personal-data/personal-data.module';
import { PipelinesModule } from './pipelines/pipelines.module';
import { ScoringModule } from './scoring/scoring.module';

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
        ReadGateModule,
        LeadsModule,
        DealsModule,
        InteractionsModule,
        PipelinesModule,
        ScoringModule,
        PersonalDataModule,
        AnalyticsModule,
        BoardModule,
        AuditModule,
        ObservabilityModule,
        HealthModule,
        EventsModule,
        AdminModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useClass: BodyPipe },
        { provide: APP_GUARD, useClass: AccessGuard },
      ],
    };
  }
}
